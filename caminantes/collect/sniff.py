"""What a file is, from its first bytes, never from its name or the client's word.

Devices attach photos, audio, video and signatures; a form's media are images, audio,
video and CSVs. Markup (HTML, SVG, XML) and programs are refused wherever they come from:
served back to a browser they would run there.
"""

from __future__ import annotations

SIGNATURES: list[tuple[bytes, int, str]] = [
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"GIF87a", 0, "image/gif"),
    (b"GIF89a", 0, "image/gif"),
    (b"BM", 0, "image/bmp"),
    (b"#!AMR", 0, "audio/amr"),
    (b"ID3", 0, "audio/mpeg"),
    (b"OggS", 0, "audio/ogg"),
    (b"fLaC", 0, "audio/flac"),
    (b"\x1a\x45\xdf\xa3", 0, "video/webm"),
]
FTYP = {  # ISO base media: the brand after "ftyp" at offset 4
    b"3gp": "video/3gpp",
    b"M4A": "audio/mp4",
    b"hei": "image/heic",
    b"hev": "image/heic",
    b"mif": "image/heic",
    b"qt ": "video/quicktime",
}
DANGEROUS_PREFIXES = (b"MZ", b"\x7fELF", b"#!", b"%PDF", b"PK\x03\x04", b"\xca\xfe\xba\xbe")
MARKUP_HINTS = (b"<!doctype", b"<html", b"<svg", b"<?xml", b"<script", b"<body", b"<iframe")


def _riff(content: bytes) -> str | None:
    if content[:4] == b"RIFF":
        kind = content[8:12]
        return {b"WAVE": "audio/wav", b"WEBP": "image/webp", b"AVI ": "video/x-msvideo"}.get(kind)
    return None


def known_type(content: bytes) -> str | None:
    for magic, offset, mime in SIGNATURES:
        if content[offset : offset + len(magic)] == magic:
            return mime
    riff = _riff(content)
    if riff:
        return riff
    if content[4:8] == b"ftyp":
        brand = content[8:12]
        return FTYP.get(brand[:3], FTYP.get(brand, "video/mp4"))
    if content[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "audio/mpeg"
    return None


def looks_dangerous(content: bytes) -> bool:
    head = content[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(DANGEROUS_PREFIXES) or any(h in head for h in MARKUP_HINTS)


def attachment_type(content: bytes) -> str | None:
    """The type to keep a submission's attachment as, or None to refuse it: a known image,
    audio or video, else opaque bytes (application/octet-stream, served as a download) as
    long as they are not markup or a program."""
    found = known_type(content)
    if found:
        return found
    if looks_dangerous(content):
        return None
    return "application/octet-stream"


def media_type(content: bytes, name: str) -> str | None:
    """A form's media file: an image, audio or video, or a CSV (plain text, no markup)."""
    found = known_type(content)
    if found:
        return found
    if name.lower().endswith(".csv") and not looks_dangerous(content):
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return "text/csv"
    return None
