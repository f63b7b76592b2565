"""House rules the code itself can check (STYLE.md): no module uses another module's
`_private` name, no source file grows past what one reader can hold, and the identity
engine runs without Django."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

from django.test import SimpleTestCase

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "caminantes"
MAX_LINES = 650


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def private_imports(path: Path, text: str | None = None) -> list[str]:
    """`from caminantes.x import _y` in `path`, where caminantes.x is another module.

    A package's own `__init__` may hand its submodules' private names around, and a
    submodule `_y` (a private module imported by name) counts as well: both are somebody
    else's insides.
    """
    importer = module_name(path)
    package = importer if path.name == "__init__.py" else importer.rpartition(".")[0]
    found = []
    if text is None:
        text = path.read_text(encoding="utf-8")
    for node in ast.walk(ast.parse(text, filename=str(path))):
        if not isinstance(node, ast.ImportFrom):
            continue
        source = node.module or ""
        if node.level:
            base = package.split(".")
            if node.level > 1:
                base = base[: -(node.level - 1)]
            source = ".".join([*base, source] if source else base)
        if not source.startswith("caminantes") or source == importer:
            continue
        for alias in node.names:
            name = alias.name
            if name.startswith("_") and not name.startswith("__"):
                relative = path.relative_to(ROOT)
                found.append(f"{relative}:{node.lineno} imports {source}.{name}")
    return found


def checked_files() -> list[Path]:
    return sorted(
        p
        for p in PACKAGE.rglob("*.py")
        if "tests" not in p.relative_to(PACKAGE).parts
        and "migrations" not in p.relative_to(PACKAGE).parts
    )


class HouseRulesTest(SimpleTestCase):
    def test_it_finds_no_module_importing_another_modules_private_name(self) -> None:
        found = [hit for path in checked_files() for hit in private_imports(path)]
        self.assertEqual(
            found,
            [],
            "A helper two modules need is public, named and tested:\n" + "\n".join(found),
        )

    def test_it_names_the_private_import_it_finds(self) -> None:
        path = PACKAGE / "dtm" / "imports" / "example.py"
        text = (
            "from caminantes.dtm.views import _user, home\n"
            "from .staging import _known\n"
            "from caminantes.lib import names\n"
        )
        self.assertEqual(
            private_imports(path, text),
            [
                "caminantes/dtm/imports/example.py:1 imports caminantes.dtm.views._user",
                "caminantes/dtm/imports/example.py:2 imports caminantes.dtm.imports.staging._known",
            ],
        )

    def test_no_source_file_is_longer_than_one_reader_can_hold(self) -> None:
        # About 600 lines (STYLE.md); past 650 a module is split by topic. Migrations and
        # tests are not read that way; generated data would say so in its name.
        long = [
            f"{p.relative_to(ROOT)}: {n} lines"
            for p in checked_files()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
        ]
        self.assertEqual(long, [], "split these by topic")

    def test_it_lets_a_module_use_its_own_private_names(self) -> None:
        path = PACKAGE / "dtm" / "views.py"
        self.assertEqual(private_imports(path, "from caminantes.dtm.views import _user\n"), [])

    def test_it_runs_the_identity_engine_without_loading_django(self) -> None:
        script = textwrap.dedent(
            """
            import importlib, pkgutil, sys
            import caminantes.identity.engine as engine
            for module in pkgutil.iter_modules(engine.__path__):
                importlib.import_module(f"{engine.__name__}.{module.name}")
            print(",".join(sorted(m for m in sys.modules if m.split(".")[0] == "django")))
            """
        )
        result = subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            env={"PATH": "", "PYTHONPATH": str(ROOT)},
        )
        self.assertEqual(result.stdout.strip(), "", "the engine loaded Django modules")

    def test_every_api_list_uses_the_bounded_pagination(self) -> None:
        # ninja's own PageNumberPagination takes any page number (lib/pagination.py).
        unbounded = [
            str(p.relative_to(ROOT))
            for p in checked_files()
            if p != PACKAGE / "lib" / "pagination.py"
            and "PageNumberPagination" in p.read_text("utf-8")
            and "from caminantes.lib.pagination import" not in p.read_text("utf-8")
            and "from caminantes.accounts.pagination import" not in p.read_text("utf-8")
        ]
        self.assertEqual(unbounded, [], "import it from caminantes.lib.pagination")
