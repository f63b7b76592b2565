"""Pure helpers (environment, crypto, safe CSV, names). Imports no Caminantes app.

Layer: lib is the bottom of lib -> geo -> audit -> accounts -> registry -> ...; Django is
fine here, any app of ours is not.
"""
