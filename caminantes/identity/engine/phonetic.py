"""A Spanish sound key for names, so spellings that sound alike in Venezuela compare equal.

Folds together b/v, s/z/c(e,i), ll/y/i, silent h, g(e,i)/j, qu/k/c(a,o,u), x (as ks or j),
the English spellings Venezuelan parents like (Jhonny, Wilmer / Wuilmer, Yeferson /
Jefferson, Thaís) and doubled letters. Input is already folded (lower case, no accents).
"""

from __future__ import annotations

import re
from functools import lru_cache

_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"[^a-z]"), ""),
    (re.compile(r"jh|hj"), "j"),  # Jhonny, Jhoan
    (re.compile(r"ph"), "f"),
    (re.compile(r"th"), "t"),  # Thaís, Jonathan
    (re.compile(r"sh"), "s"),  # Ashley
    (re.compile(r"ch"), "0"),  # ch is its own sound: keep it apart from c/k
    (re.compile(r"(?<![sc0])h"), ""),  # silent h: Hernández ~ Ernández, Yohana ~ Yoana
    (re.compile(r"^x(?=[aeiou])"), "j"),  # Ximena ~ Jimena
    (re.compile(r"x"), "ks"),  # Xiomara (ks in Venezuela), Alexander ~ Aleksander
    (re.compile(r"qu(?=[ei])"), "k"),
    (re.compile(r"gu(?=[ei])"), "g"),  # Guillermo keeps a hard g
    (re.compile(r"c(?=[ei])"), "s"),
    (re.compile(r"[cq]"), "k"),
    (re.compile(r"g(?=[ei])"), "j"),  # Gerardo ~ Jerardo, Yeferson ~ Jeferson below
    (re.compile(r"z"), "s"),
    (re.compile(r"v"), "b"),
    (re.compile(r"^(gu|w|wu|gü)(?=[aeiou])"), "u"),  # Wilmer ~ Wuilmer ~ Guilmer
    (re.compile(r"w"), "u"),
    (re.compile(r"ll"), "y"),
    (re.compile(r"^y(?=[aeiou])"), "j"),  # Yeferson ~ Jeferson, Yonathan ~ Jonathan
    (re.compile(r"y"), "i"),  # Yusmary ~ Yusmari, Deisy ~ Deysi
    (re.compile(r"(?<=[aeou])i(?=[aeou])"), "i"),
    (re.compile(r"(.)\1+"), r"\1"),  # double letters: Jeffersson, Anna
]


@lru_cache(maxsize=200_000)
def phonetic(word: str) -> str:
    """The sound key of one folded word: 'vanessa' and 'banesa' both give 'banesa'."""
    key = word
    for pattern, repl in _RULES:
        key = pattern.sub(repl, key)
    return key or word
