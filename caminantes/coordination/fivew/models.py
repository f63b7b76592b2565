"""5W reporting"""

from __future__ import annotations

from django.db import models  # noqa: F401 - the models land here
