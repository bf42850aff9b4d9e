"""What readers get, made from the records and the works: the essay header's
cite box and downloads, head tags and JSON-LD, title cards, Signposting, the
security headers, the feed, sitemap and 404 page, browse pages, the
chronology, the bibliography, the search index, the PDFs and the EPUB.
Imports ``core``, ``works`` and ``records``."""
