"""The works essays cite: refs.bib read and checked entry by entry, the APA 7
style that formats them, and the citations that resolve against them.
Imports only ``core``."""
