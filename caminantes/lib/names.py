"""Names and document numbers as people write them: one set of rules for the whole project.

Folding (case, accents, ñ, punctuation), particles, abbreviations, the Spanish sound key and
the document number's comparable form live here and nowhere else: the registry's search
keys (`search_keys`, `query_keys`), its document hashes (`document_key`) and the identity
engine (`identity.engine.normalise`, `identity.engine.phonetic`) all call them, so a name
that sounds the same to the duplicate check is found by the search, and the reverse.

Pure functions, no Django and no app of ours: the identity engine imports this module and
runs on the command line and on Spark without Django.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Particles that join a surname ("de la Cruz", "dos Santos", "San Martín") or a compound
# given name ("María de los Ángeles") but carry no identity alone.
PARTICLES = frozenset(
    {"de", "del", "la", "las", "los", "da", "das", "do", "dos", "di", "du", "e", "y", "van",
     "von", "der", "den", "mc", "san"}
)  # fmt: skip
# Abbreviations registrars use for the commonest names (folded, dot removed). A lone
# letter ("M.", "J.") is an initial, not an abbreviation.
ABBREVIATIONS = {
    "ma": "maria", "fco": "francisco", "fdo": "fernando", "jn": "juan", "ant": "antonio",
    "gmo": "guillermo", "jse": "jose", "jg": "jose gregorio", "ml": "manuel", "mig": "miguel",
    "rfl": "rafael", "gregor": "gregorio", "alej": "alejandro", "fca": "francisca",
    "guad": "guadalupe", "mche": "mercedes",
}  # fmt: skip
_NON_LETTERS = re.compile(r"[^a-z0-9 ]+")
_SPACES = re.compile(r"\s+")
_PLAIN = re.compile(r"[a-z]+")


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Lower case, accents and ñ folded, apostrophes dropped (D'Angelo -> dangelo), other
    punctuation to spaces, spaces collapsed: 'José-Ángel  PEÑA' -> 'jose angel pena'."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = _NON_LETTERS.sub(" ", text.replace("'", "").replace("\u2019", ""))
    return _SPACES.sub(" ", text).strip()


def words(text: str) -> list[str]:
    """Folded words with abbreviations expanded ('Ma.' -> maria), particles kept."""
    out: list[str] = []
    for word in fold(text).split(" "):
        if word:
            out.extend(ABBREVIATIONS.get(word, word).split(" "))
    return out


def tokens(text: str) -> list[str]:
    """The words a name is known by: folded, abbreviations expanded, particles dropped, in
    order. 'Ma. de los Ángeles' -> ['maria', 'angeles']."""
    return [w for w in words(text) if w not in PARTICLES]


# The Spanish sound key. Folds together b/v, s/z/c(e,i), ll/y/i, silent h, g(e,i)/j,
# qu/k/c(a,o,u), x (as ks, or j at the start), the English spellings Venezuelan parents
# like (Jhonny, Wilmer / Wuilmer, Yeferson / Jefferson, Thaís) and doubled letters.
_PHONETIC_RULES: list[tuple[re.Pattern[str], str]] = [
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
    (re.compile(r"g(?=[ei])"), "j"),  # Gerardo ~ Jerardo
    (re.compile(r"z"), "s"),
    (re.compile(r"v"), "b"),
    (re.compile(r"^(gu|w|wu|gü)(?=[aeiou])"), "u"),  # Wilmer ~ Wuilmer ~ Guilmer
    (re.compile(r"w"), "u"),
    (re.compile(r"ll"), "y"),
    # Yeferson ~ Jeferson, Yonathan ~ Jonathan: Venezuelan registrars write the English J
    # as Y and the reverse, so Yuliana and Juliana share a key too (spelling ranks them).
    (re.compile(r"^y(?=[aeiou])"), "j"),
    (re.compile(r"y"), "i"),  # Yusmary ~ Yusmari, Deisy ~ Deysi
    (re.compile(r"(.)\1+"), r"\1"),  # double letters: Jeffersson, Anna
]


@lru_cache(maxsize=200_000)
def phonetic(word: str) -> str:
    """The sound key of one word: 'Vanessa' and 'banesa' both give 'banesa'. A word that is
    not yet folded is folded first (spaces dropped)."""
    key = word if _PLAIN.fullmatch(word) else fold(word).replace(" ", "")
    folded = key
    for pattern, repl in _PHONETIC_RULES:
        key = pattern.sub(repl, key)
    return key or folded


# --- search keys -----------------------------------------------------------------------
#
# A person's `search_tokens` hold, for every name word of two letters or more: the word,
# its sound ("~"), its first 3 and 5 letters ("^", for a word still being typed) and the
# keys that let one slip (a letter changed, dropped, added, or two swapped) still find it:
# a long word's two halves ("<" first, ">" last: one slip leaves one of them whole), a
# short word with each of its letters left out in turn ("-"). `slip_keys` gives the keys a
# misspelt word is looked up by, so a typo is found on the index, without reading every
# similar name.

PREFIX_LENGTHS = (3, 5)
SHORT_WORD = range(3, 6)  # words keyed by their deletions; longer ones by their halves


def prefix_key(word: str) -> str | None:
    """The key a half-typed word is looked up by: "^" + its first 5 letters (3 if shorter)."""
    usable = [n for n in PREFIX_LENGTHS if len(word) >= n]
    return "^" + word[: usable[-1]] if usable else None


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _halves(word: str, length: int) -> set[str]:
    """The halves a word of `length` letters is stored under, cut from `word` (that word,
    or one slip away from it)."""
    half = length // 2
    return {"<" + word[:half], ">" + word[-half:]}


def typo_keys(word: str) -> set[str]:
    """The keys a name word is stored under for the typo search."""
    if len(word) in SHORT_WORD:
        return {"-" + d for d in _deletions(word)}
    return _halves(word, len(word)) if len(word) > SHORT_WORD[-1] else set()


def slip_keys(word: str) -> set[str]:
    """Keys that find a stored word one slip away from `word`, whichever length the stored
    word has (one letter more, the same, one less). Exact for short words; for long words
    two letters swapped across the middle break both halves, and the search's other
    fallbacks (leaving a word out) have to find those."""
    keys: set[str] = set()
    m = len(word)
    for n in (m - 1, m, m + 1):
        if n > SHORT_WORD[-1]:
            keys |= _halves(word, n)
        elif n in SHORT_WORD:
            if n == m:  # a letter changed or two swapped: one deletion of each agrees
                keys |= {"-" + d for d in _deletions(word)}
            elif n == m + 1:  # a letter dropped: the word typed is a deletion of the name
                keys.add("-" + word)
            else:  # a letter added: the name is a deletion of the word typed
                keys |= _deletions(word)
    return keys


def word_keys(tok: str) -> set[str]:
    """Every key one name word is stored under (see the comment above)."""
    keys = {tok, "~" + phonetic(tok)}
    keys |= {"^" + tok[:n] for n in PREFIX_LENGTHS if len(tok) > n}
    return keys | typo_keys(tok)


def search_keys(*parts: str) -> set[str]:
    """The keys a person is found by: `word_keys` of each name word of two letters or more."""
    keys: set[str] = set()
    for part in parts:
        for tok in tokens(part):
            if len(tok) >= 2:
                keys |= word_keys(tok)
    return keys


def full_name(given: str, first_surname: str, second_surname: str = "") -> str:
    return " ".join(p for p in (given, first_surname, second_surname) if p).strip()


# --- document numbers ------------------------------------------------------------------

_NOT_DOCUMENT = re.compile(r"[^0-9A-Z]")
_CEDULA = re.compile(r"[VE]\d+")
MIN_DOCUMENT = 5  # shorter numbers (an acta's page, a typing slip) identify nobody


@lru_cache(maxsize=500_000)
def document_key(raw: str) -> str:
    """The comparable form of a document number: 'V-12.345.678', 'v 012345678' and
    '12 345 678' all give '12345678'. Letters and digits only, accents folded, upper case;
    the V/E before a cédula's digits says nationality, not identity; leading zeros dropped.
    The registry hashes this form; the engine compares it (`identity_document`)."""
    text = unicodedata.normalize("NFKD", raw or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).upper()
    text = _NOT_DOCUMENT.sub("", text)
    if _CEDULA.fullmatch(text):
        text = text[1:]
    return text.lstrip("0")


def identity_document(raw: str) -> str:
    """`document_key`, or "" when it is too short to tell people apart."""
    key = document_key(raw)
    return key if len(key) >= MIN_DOCUMENT else ""
