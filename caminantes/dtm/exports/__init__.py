"""DTM exports: flow aggregates (CSV, XLSX, HXL-tagged CSV) and k-anonymised survey microdata.

Every export goes through the access policy, is audited with its row count (never the
data) and neutralises cells a spreadsheet would run as formulas (`lib.safecsv`).
"""
