// The reader's light/dark choice, applied before the page is drawn. furo
// writes this line inline at the start of <body>; it is a file here so that
// the Content-Security-Policy can refuse every inline script
// (peninsula.security). Loaded without defer, where furo had it.
document.body.dataset.theme = localStorage.getItem("theme") || "auto";
