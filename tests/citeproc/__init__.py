"""The differential test of the APA 7 style (peninsula.works.apa) against citeproc-js
with the APA 7 CSL style: csl.py turns BibTeX entries into CSL-JSON,
render.mjs has citeproc-js format them, report.py compares the two and
writes the report. docs/editing.md, "Why our own APA 7 style", quotes its result.
"""
