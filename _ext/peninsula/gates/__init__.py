"""What refuses a build: strict builds (a page that warned warns until fixed),
the Markdown contributors may use, paths that stay inside the project, and
the editor's lint. The last stage: it may look at everything below it."""
