"""The 5W file engine: read partners' workbooks, check them against the R4V quality rules,
consolidate them and write HXL. Pure Python (no Django: an import-linter contract holds
it), so the upload page, the command line and a worker run the same code; the app feeds it
rows and a `Reference` built from its own tables."""
