"""Peninsula Papers' Sphinx extension, in the stages of the data path.

An essay's Markdown becomes a record, its citations are resolved against
refs.bib, and the records and citations become pages, PDFs, the EPUB and the
search index; gates refuse what must not be published. Each stage is a
package, and imports only from the stages before it:

``core``     what every stage uses: source files, dates, the build it runs in
``works``    refs.bib, the APA 7 style, citations
``records``  front matter, the essays' records, versions and their history
``pages``    what readers get: pages, head tags, cite box, feed, browse,
             search, chronology, bibliography, PDFs, EPUB, Signposting, headers
``theme``    furo, adapted: navigation, accessibility, previews
``gates``    strict builds, the markup contributors may use, paths, the lint

``tests/core/test_layout.py`` checks the order. conf.py lists the modules to load.
"""
