"""An essay's Markdown to its record: the front matter parsed and checked, one
record per essay (the essays' domain), the versions lock and each revised
essay's history. Imports only ``core`` and ``works``."""
