"""Caminantes: one platform around one family, one warehouse, one border point and one map.

Apps import one way only:
lib -> geo -> audit -> accounts -> registry -> {identity, dtm, assistance, protection, collect}
-> coordination, with `web`, `api` and `urls` on top. A lower layer never imports a higher one;
the modules in braces do not import each other; nothing imports `protection`; `dtm` needs no
`registry`; `identity.engine` imports no Django. The pages of any app (`views.py`, `api.py`,
`urls.py`) may use `accounts.policies`, the one access door. import-linter holds these rules
(`[tool.importlinter]` in pyproject.toml, run by `make lint`).
"""
