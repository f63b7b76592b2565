"""The `caminantes` console script: this project's manage.py."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caminantes.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    # `caminantes import-households` reads better than import_households; accept both.
    if len(argv) > 1 and "-" in argv[1] and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    try:
        execute_from_command_line(argv)
    except ImproperlyConfigured as exc:
        # a missing secret or setting: say which, without a traceback
        sys.stderr.write(f"caminantes: {exc}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
