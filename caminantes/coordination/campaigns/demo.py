"""Campaigns demo: two campaigns of IOM Colombia against xenophobia, run by its country
manager (gerente.co). "Somos vecinos" (schools, community events and radio in Norte de
Santander) counts in the 5W, so its counted activities are service deliveries (sector
Integration); it has a poster (a generated PNG), a leaflet (a generated PDF) and a
perception survey before and after. "Aquí cabemos todos" runs on social media and SMS and
does not count. Everything goes through the services. Idempotent.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from caminantes.accounts.models import Organization, User
from caminantes.coordination.campaigns import services
from caminantes.coordination.campaigns.models import Campaign
from caminantes.geo.models import AdminArea, Country

MANAGER = "gerente.co@demo.caminantes.org"
TITLE = "Somos vecinos"


def png(width: int = 64, height: int = 40) -> bytes:
    """A small valid PNG: a blue band on white (the poster)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    rows = b"".join(
        b"\x00" + (b"\x00\x72\xb2" if 12 <= y < 28 else b"\xff\xff\xff") * width
        for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))  # fmt: skip


def pdf(text: str = "Somos vecinos") -> bytes:
    """A one-page PDF saying `text` (the leaflet)."""
    stream = f"BT /F1 24 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out


STATEMENTS = "\n".join([
    "Los migrantes nos quitan el trabajo",
    "Los migrantes traen inseguridad al barrio",
    "Los migrantes no deberían usar los hospitales públicos",
])  # fmt: skip


def load(say: Callable[[str], None], **options: Any) -> None:
    manager = User.objects.filter(email=MANAGER).first()
    iom = Organization.objects.filter(acronym="IOM").first()
    ffs = Organization.objects.filter(acronym="FFS").first()
    co = Country.objects.filter(iso2="CO").first()
    if manager is None or iom is None or co is None:
        return
    if Campaign.objects.filter(organization=iom, title=TITLE).exists():
        say("Campaigns: the demo campaigns are already there.")
        return
    areas = list(AdminArea.objects.filter(iso_code__in=["CO-NSA", "CO-LAG"]))
    nsa = next((a for a in areas if a.iso_code == "CO-NSA"), None)
    today = timezone.localdate()
    start = today - timedelta(days=120)
    with transaction.atomic():
        vecinos = services.campaign_create(
            actor=manager, organization=iom, country=co, title=TITLE,
            objective="Reducir el rechazo a las familias venezolanas en los barrios de Cúcuta y "
            "Villa del Rosario, con la comunidad de acogida como protagonista.",
            audience="both", themes=["xenophobia", "cohesion", "education"],
            languages=["es", "guc"], channels=["schools", "community_events", "radio"],
            start_on=start, end_on=today + timedelta(days=60), areas=areas,
            partners=[ffs] if ffs else [], statements=STATEMENTS, count_in_5w=True,
            indicator_5w="people_reached_anti_xenophobia",
        )  # fmt: skip
        for days, channel, pop, cells, audience, text in [
            (100, "schools", "host_community", (12, 8, 140, 131, None), None,
             "Taller «Mi compañero viene de lejos» en 4 colegios"),
            (80, "community_events", "in_destination", (45, 30, 22, 19, 10), None,
             "Feria gastronómica binacional en La Parada"),
            (60, "community_events", "host_community", (60, 41, 15, 12, None), None,
             "Partido de fútbol mixto y conversatorio"),
            (40, "radio", "host_community", (None,) * 5, 85_000, "Cuñas en emisoras comunitarias"),
        ]:  # fmt: skip
            women, men, girls, boys, unknown = cells
            services.activity_save(
                actor=manager, campaign=vecinos, date=today - timedelta(days=days),
                channel=channel, area=nsa, population_type=pop, description=text, women=women,
                men=men, girls=girls, boys=boys, unknown=unknown, audience_estimate=audience,
            )  # fmt: skip
        services.survey_add(actor=manager, campaign=vecinos, surveyed_on=start + timedelta(days=3),
                            phase="before", sample_size=400, agreeing=[212, 180, 150])  # fmt: skip
        services.survey_add(actor=manager, campaign=vecinos, surveyed_on=today - timedelta(days=5),
                            phase="after", sample_size=380, agreeing=[160, 131, 101])  # fmt: skip
        for title, name, data in (("Afiche «Somos vecinos»", "afiche.png", png()),
                                  ("Volante para colegios", "volante.pdf", pdf())):  # fmt: skip
            services.material_upload(actor=manager, campaign=vecinos, title=title,
                                     upload=SimpleUploadedFile(name, data))  # fmt: skip
        redes = services.campaign_create(
            actor=manager, organization=iom, country=co, title="Aquí cabemos todos",
            objective="Responder a los rumores en redes sociales con información verificada.",
            audience="host", themes=["xenophobia", "rights"], languages=["es"],
            channels=["social_media", "sms_whatsapp"], start_on=today - timedelta(days=30),
            end_on=today + timedelta(days=90), areas=[], partners=[], statements="",
        )  # fmt: skip
        services.activity_save(actor=manager, campaign=redes, date=today - timedelta(days=10),
                               channel="social_media", area=None, population_type="",
                               audience_estimate=240_000,
                               description="Serie de videos «Mito o realidad»")  # fmt: skip
    say("Campaigns: 2 campaigns of IOM Colombia (gerente.co), one counting in the 5W.")
