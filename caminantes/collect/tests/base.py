"""Personas plus a form of IOM in Colombia with an app user, and a client that sends
submissions the way ODK Collect does (multipart, `xml_submission_file` as text/xml, the
X-OpenRosa-Version and Date headers, meta/instanceID)."""

from __future__ import annotations

import uuid as uuid_lib
from typing import Any

from django.test import Client
from django.utils.http import http_date

from caminantes.collect import sample_xlsform, services
from caminantes.collect.models import AppUser, Form, FormKind
from tests.personas import PersonaTestCase

BOUNDARY = "----OpenRosaBoundary7MA4YWxkTrZu0gW"


def instance_xml(
    instance_id: str, *, form_id: str = "demo_hogar", version: str = "1", nombre: str = "Ana",
    personas: int = 4, deprecated_id: str = "",
) -> bytes:  # fmt: skip
    deprecated = f"<deprecatedID>{deprecated_id}</deprecatedID>" if deprecated_id else ""
    return (
        f'<?xml version="1.0"?><data xmlns:jr="http://openrosa.org/javarosa" '
        f'xmlns:orx="http://openrosa.org/xforms" id="{form_id}" version="{version}">'
        f"<nombre>{nombre}</nombre><hogar><personas>{personas}</personas>"
        f"<necesidad>alimentos</necesidad></hogar><foto/>"
        f"<meta><instanceID>{instance_id}</instanceID>{deprecated}</meta></data>"
    ).encode()


def multipart(xml: bytes, attachments: dict[str, tuple[bytes, str]] | None = None) -> bytes:
    """The body ODK Collect posts: the instance, then each attachment under its file name."""
    parts = [
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="xml_submission_file"; '
            f'filename="xml_submission_file"\r\nContent-Type: text/xml\r\n\r\n'
        ).encode()
        + xml
        + b"\r\n"
    ]
    for name, (content, content_type) in (attachments or {}).items():
        parts.append(
            (
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{name}"\r\nContent-Type: {content_type}\r\n\r\n'
            ).encode()
            + content
            + b"\r\n"
        )
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def openrosa_headers() -> dict[str, Any]:
    return {"HTTP_X_OPENROSA_VERSION": "1.0", "HTTP_DATE": http_date()}


def post_submission(
    client: Client, url: str, xml: bytes, attachments: dict[str, tuple[bytes, str]] | None = None,
    **extra: Any,
) -> Any:  # fmt: skip
    return client.generic(
        "POST", url, multipart(xml, attachments),
        content_type=f"multipart/form-data; boundary={BOUNDARY}", **openrosa_headers(), **extra,
    )  # fmt: skip


def new_instance_id() -> str:
    return f"uuid:{uuid_lib.uuid4()}"


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 64


class CollectTestCase(PersonaTestCase):
    form: Form
    other_form: Form
    app_user: AppUser
    token: str

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.form = services.form_upload(
            actor=cls.carla, organization=cls.iom, content=sample_xlsform.build(),
            filename="hogar.xlsx", kind=FormKind.OTHER, country=cls.co,
        ).version.form  # fmt: skip
        cls.other_form = services.form_upload(
            actor=cls.carla, organization=cls.iom,
            content=sample_xlsform.build(form_id="otro", title="Otro formulario"),
            filename="otro.xlsx", country=cls.co,
        ).version.form  # fmt: skip
        created = services.app_user_create(
            actor=cls.carla, organization=cls.iom, name="Tableta 1", forms=[cls.form]
        )
        cls.app_user, cls.token = created.app_user, created.token

    def key(self, rest: str, token: str | None = None) -> str:
        return f"/collect/key/{token or self.token}/{rest}"
