"""furo, adapted: the sidebar's navigation tree, accessibility fixes of the
theme's markup, and the previews of citations, terms and events.
Imports the stages below it."""
