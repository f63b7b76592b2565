"""Pure helpers (environment, crypto, safe CSV, names). Imports no Caminantes app."""
