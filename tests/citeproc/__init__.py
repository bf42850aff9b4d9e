"""The differential test of the APA 7 style (peninsula.apa) against citeproc-js
with the APA 7 CSL style: csl.py turns BibTeX entries into CSL-JSON,
render.mjs has citeproc-js format them, report.py compares the two and
writes the report. README, "How citations are formatted", quotes its result.
"""
