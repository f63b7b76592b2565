"""Production settings: `check --deploy` is quiet, and unsafe configurations refuse to start.

Each case runs the real console script in a fresh process with a clean environment.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import copy_sqlite

BIN = Path(sys.executable).parent / "caminantes"
ROOT = Path(__file__).resolve().parent.parent  # the checkout under test, not the installed one
PRODUCTION = {
    "SECRET_KEY": "a" * 20 + "production-secret-9f8e7d6c5b4a39281706fedcba",
    "ALLOWED_HOSTS": "caminantes.example.org",
    "FIELD_ENCRYPTION_KEYS": "Y2FtaW5hbnRlcy1kZXYta2V5LW5vdC1mb3ItcHJvZCE=",
    "AUDIT_HMAC_KEY": "b" * 20 + "audit-chain-key-0a1b2c3d4e5f6a7b8c9d0e1f2a3b",
    "PROTECTION_ENCRYPTION_KEYS": "n8CqKk3B4Jr0Yl1r2k0c5mQm3m2Q8sQb9n1h3Fz6m5Q=",
}


def run(args: list[str], env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
    clean["CAMINANTES_VAR_DIR"] = str(tmp_path)
    clean["PYTHONPATH"] = str(ROOT)
    clean.update(env)
    return subprocess.run(
        [str(BIN), *args], env=clean, capture_output=True, text=True, timeout=120, check=False
    )


def test_it_passes_check_deploy_with_production_settings(tmp_path: Path) -> None:
    result = run(["check", "--deploy", "--fail-level", "WARNING"], PRODUCTION, tmp_path)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_it_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = run(["check"], env, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_it_refuses_demo_mode_without_debug(tmp_path: Path) -> None:
    result = run(["check"], {**PRODUCTION, "CAMINANTES_DEMO": "1"}, tmp_path)
    assert result.returncode != 0
    assert "CAMINANTES_DEMO=1 is only allowed with DEBUG=1" in result.stderr


def test_it_refuses_to_load_the_demo_without_debug(tmp_path: Path) -> None:
    result = run(["demo"], PRODUCTION, tmp_path)
    assert result.returncode != 0
    assert "DEBUG off" in result.stderr


def test_it_refuses_to_start_without_an_audit_chain_key(tmp_path: Path) -> None:
    env = {k: v for k, v in PRODUCTION.items() if k != "AUDIT_HMAC_KEY"}
    result = run(["check"], env, tmp_path)
    assert result.returncode != 0
    assert "AUDIT_HMAC_KEY is not set" in result.stderr


def test_it_refuses_the_secret_key_as_the_audit_chain_key(tmp_path: Path) -> None:
    result = run(["check"], {**PRODUCTION, "AUDIT_HMAC_KEY": PRODUCTION["SECRET_KEY"]}, tmp_path)
    assert result.returncode != 0
    assert "AUDIT_HMAC_KEY must be a key of its own" in result.stderr


def test_it_refuses_to_start_without_protection_keys(tmp_path: Path) -> None:
    env = {k: v for k, v in PRODUCTION.items() if k != "PROTECTION_ENCRYPTION_KEYS"}
    result = run(["check"], env, tmp_path)
    assert result.returncode != 0
    assert "PROTECTION_ENCRYPTION_KEYS is not set" in result.stderr


def test_it_refuses_a_field_key_as_a_protection_key(tmp_path: Path) -> None:
    keys = f"{PRODUCTION['PROTECTION_ENCRYPTION_KEYS']},{PRODUCTION['FIELD_ENCRYPTION_KEYS']}"
    result = run(["check"], {**PRODUCTION, "PROTECTION_ENCRYPTION_KEYS": keys}, tmp_path)
    assert result.returncode != 0
    assert "PROTECTION_ENCRYPTION_KEYS must be keys of their own" in result.stderr


def test_it_reads_protection_keys_from_a_file(tmp_path: Path) -> None:
    key_file = tmp_path / "protection.key"
    key_file.write_text(PRODUCTION["PROTECTION_ENCRYPTION_KEYS"] + "\n")
    env = {k: v for k, v in PRODUCTION.items() if k != "PROTECTION_ENCRYPTION_KEYS"}
    env["PROTECTION_ENCRYPTION_KEYS_FILE"] = str(key_file)
    result = run(["check"], env, tmp_path)
    assert result.returncode == 0, result.stderr


def test_it_refuses_a_negative_number_of_proxies(tmp_path: Path) -> None:
    result = run(["check"], {**PRODUCTION, "TRUSTED_PROXY_HOPS": "-1"}, tmp_path)
    assert result.returncode != 0
    assert "TRUSTED_PROXY_HOPS must be 0 or more" in result.stderr


def test_check_deploy_warns_while_demo_users_exist(
    tmp_path: Path, sqlite_template: Path | None
) -> None:
    # The suite's migrated template when there is one (see conftest.py), else the accounts
    # tables are migrated here.
    if sqlite_template is not None:
        copy_sqlite(sqlite_template, tmp_path / "caminantes.sqlite3")
    else:
        assert run(["migrate", "accounts", "--noinput"], PRODUCTION, tmp_path).returncode == 0
    create = (
        "from caminantes.accounts.models import User; "
        "User.objects.create_user('admin@demo.caminantes.org', 'caminantes-demo', is_demo=True)"
    )
    assert run(["shell", "-c", create], PRODUCTION, tmp_path).returncode == 0
    # One run: the warning is printed, and a deploy check that fails on warnings fails.
    result = run(["check", "--deploy", "--fail-level", "WARNING"], PRODUCTION, tmp_path)
    assert "caminantes.W001" in result.stderr + result.stdout
    assert result.returncode != 0


def test_it_prints_each_log_line_of_the_demo_server_once(tmp_path: Path) -> None:
    # In DEBUG, Django's own console handler used to print every request warning (and
    # each 403's traceback) a second time beside the root handler's line.
    say = "import logging; logging.getLogger('django.request').warning('one refusal')"
    result = run(["shell", "-c", say], {"DEBUG": "1"}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("one refusal") == 1, result.stderr
