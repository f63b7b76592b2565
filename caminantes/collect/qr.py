"""The settings QR code ODK Collect scans to set up a project: zlib-compressed, base64 JSON
{"general": {"server_url": ...}, "admin": {}, "project": {...}} (ODK's "Configure via QR
code"). The server URL carries the app user's token: no other credential is needed."""

from __future__ import annotations

import base64
import json
import zlib

import qrcode
import qrcode.image.svg


def collect_settings(server_url: str, project_name: str) -> str:
    payload = {
        "general": {"server_url": server_url, "form_update_mode": "match_exactly"},
        "admin": {},
        "project": {"name": project_name[:60], "icon": "C"},
    }
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.b64encode(zlib.compress(raw)).decode()


def svg(data: str) -> str:
    """The QR code as inline SVG (a path; no script, no style attribute)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    return str(image.to_string(encoding="unicode"))
