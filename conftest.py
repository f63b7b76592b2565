"""The test database: migrated once into a template, then copied for each pytest-xdist worker.

Running every migration takes about a minute (Django re-renders the related models after each
operation), and every worker used to pay it. Now the first worker that needs a database builds
a template behind a file lock, and each worker starts from a copy of it: SQLite copies the file
(the backup API, so a half-written file is never read), PostgreSQL runs
`CREATE DATABASE test_x_gwN TEMPLATE ...`. The copy then goes through Django's usual
`setup_databases(keepdb=True)`, so `migrate` still runs on it: a no-op when the template is
current, and it applies whatever the template lacks otherwise. The data migrations (seeded
schemes and items, the audit triggers, the cache table) are in the template because it is built
by the migrations themselves.

The template is named after a hash of every migration file of every installed app, the
project modules those migrations import, Django's version and the database engine, so a
template built from other migrations is never reused; it is kept between runs (SQLite under
the system's temporary directory, PostgreSQL as a database `<test name>_tmpl_<hash>`).
`--create-db` rebuilds it (once per run, not once per worker); `--no-migrations` falls back to
pytest-django's own setup.
"""

from __future__ import annotations

import ast
import contextlib
import fcntl
import hashlib
import importlib.util
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

TEMPLATES = Path(tempfile.gettempdir()) / "caminantes-test-db"
# The SQLite template this process copied its test database from (None on PostgreSQL).
_sqlite_template: list[Path] = []


def _project_modules(source: str) -> set[str]:
    """The caminantes modules a migration imports (data migrations import them inside
    functions), so a change to, say, the seeded schemes gives the template a new name."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.module.startswith("caminantes")
        ):
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("caminantes"))
    return found


def _module_files(name: str) -> list[Path]:
    with contextlib.suppress(ImportError, ValueError, AttributeError):
        spec = importlib.util.find_spec(name)
        if spec and spec.origin and spec.origin.endswith(".py"):
            return [Path(spec.origin)]
    return []


def migrations_hash(engine: str) -> str:
    import django
    from django.apps import apps

    digest = hashlib.sha256(f"{django.__version__}\0{engine}\0".encode())
    imported: set[str] = set()
    for config in apps.get_app_configs():
        folder = Path(config.path) / "migrations"
        for path in sorted(folder.glob("*.py")):
            source = path.read_bytes()
            digest.update(f"{config.label}/{path.name}\0".encode() + source)
            imported |= _project_modules(source.decode())
    for name in sorted(imported):
        for path in _module_files(name):
            digest.update(f"{name}\0".encode() + path.read_bytes())
    return digest.hexdigest()[:16]


@contextlib.contextmanager
def _locked(name: str) -> Iterator[None]:
    TEMPLATES.mkdir(parents=True, exist_ok=True)
    with (TEMPLATES / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        yield


def _migrate_into(connection: Any, test_name: str) -> None:
    """Run every migration into the database `test_name` (created afresh), then point the
    connection back at the original database."""
    settings_dict = connection.settings_dict
    old_name, old_test_name = settings_dict["NAME"], settings_dict["TEST"].get("NAME")
    settings_dict["TEST"]["NAME"] = test_name
    try:
        connection.creation.create_test_db(
            verbosity=0, autoclobber=True, serialize=False, keepdb=False
        )
    finally:
        connection.close()
        from django.conf import settings

        settings.DATABASES[connection.alias]["NAME"] = old_name
        settings_dict["NAME"] = old_name
        settings_dict["TEST"]["NAME"] = old_test_name


def _rebuild_this_run(request: pytest.FixtureRequest, key: str) -> bool:
    """--create-db rebuilds the template once per run: the first worker leaves a mark in
    the run's shared temporary directory for the others."""
    if not request.config.getvalue("create_db"):
        return False
    if "PYTEST_XDIST_WORKER" not in os.environ:
        return True
    factory: pytest.TempPathFactory = request.getfixturevalue("tmp_path_factory")
    mark = factory.getbasetemp().parent / f"caminantes-template-{key}.rebuilt"
    if mark.exists():
        return False
    mark.touch()
    return True


def _sqlite_copy(request: pytest.FixtureRequest, connection: Any, key: str) -> None:
    template = TEMPLATES / f"sqlite-{key}.sqlite3"
    with _locked(f"sqlite-{key}"):
        if _rebuild_this_run(request, key) or not template.exists():
            building = template.with_name(f"{template.stem}.{os.getpid()}.building")
            _migrate_into(connection, str(building))
            for suffix in ("-wal", "-shm"):
                Path(f"{building}{suffix}").unlink(missing_ok=True)
            building.replace(template)
    _sqlite_template.append(template)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    factory: pytest.TempPathFactory = request.getfixturevalue("tmp_path_factory")
    copy = factory.getbasetemp() / f"test-db-{worker}.sqlite3"
    copy_sqlite(template, copy)
    connection.settings_dict["TEST"]["NAME"] = str(copy)


def copy_sqlite(source_path: Path, target_path: Path) -> None:
    """Copy a SQLite database through the backup API (consistent even while it is read)."""
    source, target = sqlite3.connect(source_path), sqlite3.connect(target_path)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


def _postgresql_copy(request: pytest.FixtureRequest, connection: Any, key: str) -> None:
    test_name = connection.creation._get_test_db_name()
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    stem = test_name.removesuffix(f"_{worker}") if worker else test_name
    template = f"{stem}_tmpl_{key}"
    quote = connection.ops.quote_name
    with _locked(f"postgresql-{key}"):
        with connection.creation._nodb_cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template])
            exists = cursor.fetchone() is not None
        if _rebuild_this_run(request, key) or not exists:
            _migrate_into(connection, template)
            # Templates of other migrations are of no further use (one in use elsewhere
            # stays: PostgreSQL refuses to drop it).
            with connection.creation._nodb_cursor() as cursor:
                cursor.execute(
                    "SELECT datname FROM pg_database WHERE datname LIKE %s AND datname <> %s",
                    [f"{stem}_tmpl_%", template],
                )
                for (stale,) in cursor.fetchall():
                    with contextlib.suppress(Exception):
                        cursor.execute(f"DROP DATABASE IF EXISTS {quote(stale)}")
        with connection.creation._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(test_name)}")
            cursor.execute(f"CREATE DATABASE {quote(test_name)} TEMPLATE {quote(template)}")


@pytest.fixture(scope="session")
def sqlite_template(django_db_setup: None) -> Path | None:
    """The migrated SQLite database the test databases are copied from, for tests that
    start a server or a command on a database of their own (None on PostgreSQL: they then
    migrate one themselves)."""
    return _sqlite_template[-1] if _sqlite_template else None


@pytest.fixture(scope="session")
def django_db_setup(
    request: pytest.FixtureRequest,
    django_test_environment: None,
    django_db_blocker: Any,
    django_db_use_migrations: bool,
    django_db_keepdb: bool,
    django_db_createdb: bool,
    django_db_modify_db_settings: None,
) -> Iterator[None]:
    from django.db import connections
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _disable_migrations, _get_databases_for_setup

    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    common = {"verbosity": 0, "interactive": False, "aliases": aliases}
    common["serialized_aliases"] = serialized_aliases

    connection = connections["default"]
    copiers = {"sqlite": _sqlite_copy, "postgresql": _postgresql_copy}
    copier = copiers.get(connection.vendor)
    if not django_db_use_migrations or copier is None:
        # pytest-django's own setup (no migrations: tables straight from the models).
        if not django_db_use_migrations:
            _disable_migrations()
        keep = {"keepdb": True} if django_db_keepdb and not django_db_createdb else {}
        with django_db_blocker.unblock():
            db_cfg = setup_databases(**common, **keep)
    else:
        with django_db_blocker.unblock():
            copier(request, connection, migrations_hash(connection.settings_dict["ENGINE"]))
            # The copy is current, so `migrate` finds nothing to do; Django still runs its
            # post-migrate steps (content types, permissions) and creates the cache table.
            db_cfg = setup_databases(**common, keepdb=True)
    yield
    if not django_db_keepdb:
        with django_db_blocker.unblock():
            try:
                teardown_databases(db_cfg, verbosity=0)
            except Exception as exc:
                request.node.warn(
                    pytest.PytestWarning(f"Error tearing down test databases: {exc!r}")
                )


# The long walks over every route, started first so that no worker is left running one
# alone at the end while the other has nothing to do.
LONG_FIRST = (
    "tests/test_forms_hostile.py",
    "tests/test_cross_organisation.py",
    "tests/test_cross_organisation_lists.py",
    "caminantes/protection/tests/test_walk",
    "tests/test_referral_receiver_walk.py",
    "caminantes/protection/tests/test_access_matrix.py",
)
# The browser tests, by where they live: the scheduler sees only test ids, not marks.
BROWSER = "tests/browser/"


def _order(item: pytest.Item) -> int:
    if item.nodeid.startswith(BROWSER):
        return 0
    return 1 if item.nodeid.startswith(LONG_FIRST) else 2


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The browser tests first (one unit of work, see below), then the long walks, so that
    no worker is left running one of them alone at the end."""
    items.sort(key=_order)  # stable


def split_scope(nodeid: str) -> str:
    """The unit of work a test belongs to under pytest-xdist: every browser test in one (one
    worker builds the demo once while the other goes on, instead of waiting on its lock), a
    test class in one (its setUpTestData runs once, not on every worker), and otherwise a
    module (its fixtures are set up once)."""
    if nodeid.startswith(BROWSER):
        return "browser"
    return nodeid.rsplit("::", 1)[0]


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """`--dist load` or `loadgroup` (what `make test` asks for): the units of `split_scope`,
    handed out in collection order. xdist's own grouping by mark no longer works with
    pytest 9.2, which ignores the suffix xdist writes into a test's id;
    tests/test_scheduling.py holds this scheduler to its units."""
    if config.getvalue("dist") not in {"load", "loadgroup"}:
        return None
    from xdist.scheduler import LoadScopeScheduling

    class Scheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return split_scope(nodeid)

    config.option.loadscopereorder = False  # keep the order of pytest_collection_modifyitems
    return Scheduling(config, log)
