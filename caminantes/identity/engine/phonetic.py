"""The Spanish sound key the engine compares names by: `caminantes.lib.names.phonetic`.

One key for the whole project, so the registry's search and the duplicate check agree on
which names sound the same; its rules (b/v, s/z/c, ll/y, silent h, g/j, the English
spellings Venezuelan parents like) are documented there. Kept as a module so the engine's
`from caminantes.identity.engine.phonetic import phonetic` reads as before.
"""

from __future__ import annotations

from caminantes.lib.names import phonetic

__all__ = ["phonetic"]
