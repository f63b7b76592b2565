"""Every user-facing string has a Spanish and a Portuguese translation.

Strings are collected from the templates (through Django's own `templatize`, as
makemessages does) and from gettext calls in the Python code, then looked up in the .po
catalogues; a missing, empty or fuzzy translation fails, naming the string. The compiled
.mo files must match the .po files, so what ships is what was translated.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import polib
import pytest
from django.utils.translation.template import templatize

ROOT = Path(__file__).resolve().parent.parent / "caminantes"
LOCALES = ["es", "pt"]
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy", "ngettext",
                 "ngettext_lazy"}  # fmt: skip


def _unescape(s: str) -> str:
    return s.encode("latin-1", "backslashreplace").decode("unicode_escape")


# The sources are scanned once per process: three tests read the same strings.
@functools.cache
def template_strings() -> frozenset[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for path in ROOT.rglob("templates/**/*.html"):
        code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
        # templatize quotes a string with double quotes when it holds an apostrophe.
        quoted = r"""u?(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")"""
        for match in re.finditer(
            rf"\b(p?gettext|ngettext)\({quoted}(?:\s*,\s*{quoted})?",
            code,
        ):
            func, q1, d1, q2, d2 = match.groups()
            first = q1 if q1 is not None else d1
            second = q2 if q2 is not None else d2
            msgid = second if func == "pgettext" else first
            found.add((str(path.relative_to(ROOT)), _unescape(msgid)))
    return frozenset(found)


@functools.cache
def python_strings() -> frozenset[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts or "tests" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in GETTEXT_NAMES:
                continue
            arg = node.args[1] if name.startswith("pgettext") else node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.add((str(path.relative_to(ROOT)), arg.value))
    return frozenset(found)


def catalogue_paths(lang: str) -> list[Path]:
    """The project catalogue, then each app that keeps its own (caminantes/<app>/locale, and
    a sub-app's caminantes/<app>/<sub-app>/locale)."""
    main = ROOT / "locale" / lang / "LC_MESSAGES" / "django.po"
    apps = [*ROOT.glob(f"*/locale/{lang}/LC_MESSAGES/django.po"),
            *ROOT.glob(f"*/*/locale/{lang}/LC_MESSAGES/django.po")]  # fmt: skip
    return [main, *sorted(apps)]


def catalogue(lang: str) -> list[polib.POEntry]:
    return [entry for path in catalogue_paths(lang) for entry in polib.pofile(str(path))]


def test_it_finds_strings_to_check() -> None:
    strings = {s for _, s in template_strings()}
    assert "Log in" in strings
    assert "Your memberships" in strings
    assert any("Welcome" in s for s in strings)
    assert "Registration officer" in {s for _, s in python_strings()}


@pytest.mark.parametrize("lang", LOCALES)
def test_it_translates_every_string(lang: str) -> None:
    po = catalogue(lang)
    translated = {
        e.msgid
        for e in po
        if not e.obsolete
        and "fuzzy" not in e.flags
        and (e.msgstr or (e.msgstr_plural and all(e.msgstr_plural.values())))
    }
    missing = sorted(
        f"{where}: {msgid!r}"
        for where, msgid in template_strings() | python_strings()
        if msgid not in translated
    )
    assert missing == [], (
        f"untranslated in {lang} (run `make messages` and translate):\n" + "\n".join(missing)
    )


@pytest.mark.parametrize("lang", LOCALES)
def test_it_ships_compiled_catalogues_that_match_the_sources(lang: str) -> None:
    for path in catalogue_paths(lang):
        mo = polib.mofile(str(path.with_suffix(".mo")))
        shipped = {e.msgid: (e.msgstr or e.msgstr_plural.get(0, "")) for e in mo}
        for entry in polib.pofile(str(path)):
            if entry.obsolete or "fuzzy" in entry.flags:
                continue
            expected = entry.msgstr or entry.msgstr_plural.get(0, "")
            assert shipped.get(entry.msgid) == expected, f"recompile {path}: {entry.msgid!r}"


@pytest.mark.parametrize("lang", LOCALES)
def test_it_gives_every_plural_as_many_forms_as_the_catalogue_declares(lang: str) -> None:
    # A plural with fewer forms than `nplurals` silently falls back to English for the
    # missing ones ("31 people were interviewed" on a Spanish page).
    for path in catalogue_paths(lang):
        po = polib.pofile(str(path))
        declared = re.search(r"nplurals\s*=\s*(\d+)", po.metadata.get("Plural-Forms", ""))
        assert declared, f"{path} declares no Plural-Forms"
        nplurals = int(declared.group(1))
        short = [e.msgid for e in po if e.msgid_plural and len(e.msgstr_plural) != nplurals]
        assert short == [], f"{path}: nplurals={nplurals} but these have another count: {short}"
