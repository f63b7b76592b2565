"""Campaign materials as files: what a file is, read from its first bytes.

A poster, a leaflet or a radio spot is accepted when its content is one of `KINDS` (PDF,
PNG, JPEG, MP3) whatever its name or the browser's word, and when it is no larger than
`MAX_BYTES`. It is stored under a random name with the extension of what it is, and served
back as a download (Content-Disposition: attachment, X-Content-Type-Options: nosniff) with
the type found here, so a page disguised as a picture is never run in a browser.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class Kind:
    content_type: str
    extension: str
    names: tuple[str, ...]  # extensions a file of this kind may carry


KINDS = (
    Kind("application/pdf", ".pdf", (".pdf",)),
    Kind("image/png", ".png", (".png",)),
    Kind("image/jpeg", ".jpg", (".jpg", ".jpeg")),
    Kind("audio/mpeg", ".mp3", (".mp3",)),
)


def sniff(head: bytes) -> Kind | None:
    """The kind of file these first bytes begin, or None."""
    if head.startswith(b"%PDF-"):
        return KINDS[0]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return KINDS[1]
    if head.startswith(b"\xff\xd8\xff"):
        return KINDS[2]
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return KINDS[3]
    return None


def check(upload: Any) -> Kind:
    """The upload's kind, or a ValidationError saying what is wrong in words."""
    size = getattr(upload, "size", 0) or 0
    if size == 0:
        raise ValidationError(_("The file is empty."))
    if size > MAX_BYTES:
        raise ValidationError(_("The file is larger than 10 MB."))
    upload.seek(0)
    kind = sniff(upload.read(16))
    upload.seek(0)
    if kind is None:
        raise ValidationError(_("Upload a PDF, PNG, JPEG or MP3 file."))
    name = (getattr(upload, "name", "") or "").lower()
    if "." in name and not name.endswith(kind.names):
        raise ValidationError(_("The file's name does not match what it contains."))
    return kind


def safe_name(name: str, kind: Kind) -> str:
    """A download name: letters, digits, dashes; the extension of what the file is."""
    stem = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-")[:80] or "material"
    return stem + kind.extension
