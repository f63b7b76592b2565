"""Caminantes: one platform around one family, one warehouse, one border point and one map.

Apps import one way only:
lib -> geo -> accounts -> audit -> registry -> {identity, assistance, protection, dtm, collect}
-> coordination. A lower layer never imports a higher one; nothing imports `protection`.
"""
