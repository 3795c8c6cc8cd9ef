"""The site: generated Markdown pages, exports and the MkDocs plugin that serves them to Material for MkDocs."""
