"""Field collection demo: a form of IOM in Colombia (the shipped household registration
XLSForm when it is there, else a small one made here) and an app user whose server URL is
printed, to type into ODK Collect (or scan as a QR code from the form's page).

The token is shown once and only its hash is kept, so each run revokes the previous demo
app user and prints a fresh URL.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings

from caminantes.accounts.models import Organization
from caminantes.collect import sample_xlsform, services
from caminantes.collect.models import AppUser, FormKind
from caminantes.geo.models import Country

XLSFORMS = Path(__file__).resolve().parent / "xlsforms"
APP_USER = "Tableta de demostración"


def load(say: Callable[[str], None], **options: Any) -> None:
    iom = Organization.objects.filter(acronym="IOM").first()
    co = Country.objects.filter(iso2="CO").first()
    if iom is None or co is None:
        return
    shipped = XLSFORMS / "household_registration.xlsx"
    if shipped.is_file():
        content, name, kind = (
            shipped.read_bytes(), shipped.name, FormKind.HOUSEHOLD_REGISTRATION
        )  # fmt: skip
    else:
        content, name, kind = sample_xlsform.build(), "visita_hogar.xlsx", FormKind.OTHER
    result = services.form_upload(
        actor=None, organization=iom, content=content, filename=name, kind=kind, country=co
    )
    form = result.version.form
    for old in AppUser.objects.filter(organization=iom, name=APP_USER, revoked_at=None):
        services.app_user_revoke(actor=None, app_user=old)
    token = services.app_user_create(
        actor=None, organization=iom, name=APP_USER, forms=[form]
    ).token
    base = settings.CAMINANTES_BASE_URL or "http://127.0.0.1:8000"
    say(f"Field collection: ODK Collect server URL for the form “{form.title}” (no password):")
    say(f"  {base}/collect/key/{token}/")
