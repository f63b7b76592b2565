"""Spanish and Portuguese names: normalisation, search tokens and a Spanish phonetic key.

Pure functions, no Django: the registry's search, its duplicate check and the identity
engine all use them, so a name is folded the same way everywhere.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Particles that join a surname ("de la Cruz", "dos Santos") but carry no identity alone.
PARTICLES = frozenset(
    {"de", "del", "la", "las", "los", "da", "das", "do", "dos", "e", "y", "van", "von"}
)
# Common abbreviations of given names in Venezuelan and Colombian records.
ABBREVIATIONS = {
    "ma": "maria",
    "ma.": "maria",
    "mª": "maria",
    "jose.": "jose",
    "fco": "francisco",
    "fdo": "fernando",
    "jn": "juan",
    "ant": "antonio",
    "gmo": "guillermo",
}
_NON_LETTERS = re.compile(r"[^a-z0-9ñ ]+")
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower case, accents removed (ñ kept as n), punctuation to spaces, spaces collapsed."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = _NON_LETTERS.sub(" ", text.replace("ñ", "n"))
    return _SPACES.sub(" ", text).strip()


def tokens(text: str) -> list[str]:
    """Folded words with abbreviations expanded and particles dropped, in order."""
    raw = _SPACES.split((text or "").lower().strip())
    expanded = " ".join(ABBREVIATIONS.get(w, w) for w in raw if w)
    return [t for t in fold(expanded).split(" ") if t and t not in PARTICLES]


_PHONETIC_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^h"), ""),  # silent h: Hernández ~ Ernández
    (re.compile(r"(?<=[^cs])h"), ""),
    (re.compile(r"ph"), "f"),
    (re.compile(r"ch"), "X"),  # keep ch apart from c/k
    (re.compile(r"qu(?=[ei])"), "k"),
    (re.compile(r"gu(?=[ei])"), "g"),
    (re.compile(r"c(?=[ei])"), "s"),
    (re.compile(r"[cq]"), "k"),
    (re.compile(r"g(?=[ei])"), "j"),  # Gerardo ~ Jerardo
    (re.compile(r"x"), "ks"),
    (re.compile(r"z"), "s"),
    (re.compile(r"v"), "b"),
    (re.compile(r"w"), "u"),
    (re.compile(r"ll"), "y"),
    (re.compile(r"(?<=[aeiou])i(?=[aeiou])"), "y"),
    (re.compile(r"y$"), "i"),
    (re.compile(r"(.)\1+"), r"\1"),  # double letters
]


@lru_cache(maxsize=100_000)
def phonetic(word: str) -> str:
    """A Spanish sound key: b/v, s/z/c, ll/y/i, silent h, g/j, qu/k/c and x fold together."""
    key = fold(word).replace(" ", "")
    for pattern, repl in _PHONETIC_RULES:
        key = pattern.sub(repl, key)
    return key


PREFIX_LENGTHS = (3, 5)


def prefix_key(word: str) -> str | None:
    """The key a half-typed word is looked up by: "^" + its first 5 letters (3 if shorter)."""
    usable = [n for n in PREFIX_LENGTHS if len(word) >= n]
    return "^" + word[: usable[-1]] if usable else None


def search_keys(*parts: str) -> set[str]:
    """The keys a person is found by: each name token, its phonetic key ("~" prefixed) and
    its first 3 and 5 letters ("^" prefixed, for words still being typed)."""
    keys: set[str] = set()
    for part in parts:
        for tok in tokens(part):
            if len(tok) < 2:
                continue
            keys.add(tok)
            keys.add("~" + phonetic(tok))
            keys |= {"^" + tok[:n] for n in PREFIX_LENGTHS if len(tok) > n}
    return keys


def full_name(given: str, first_surname: str, second_surname: str = "") -> str:
    return " ".join(p for p in (given, first_surname, second_surname) if p).strip()
