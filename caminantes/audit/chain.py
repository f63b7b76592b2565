"""The audit chain: each event's HMAC covers the previous one's; checkpoints anchor the end.

The key (settings.AUDIT_HMAC_KEY) is not in the database, so someone who can write to the
table (triggers dropped) can delete events but cannot re-hash the rest. Cutting events off
the end leaves a shorter chain that is still whole; a checkpoint (the last event's id and
hash, the number of events, the time, signed with the same key) written outside the
database every few minutes, to a file and to the log an operator ships elsewhere, is what
`verify` checks the end against.

Installations upgraded from the unkeyed chain (plain SHA-256) keep their old events as they
are: `verify` accepts the old hash for events up to settings.AUDIT_UNKEYED_UNTIL (an event
id the operator sets once, outside the database), and only the keyed one after it.

Imports no app (like audit.log).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from caminantes.audit.models import AuditEvent

logger = logging.getLogger("caminantes.audit")

GENESIS = "0" * 64


def _key() -> bytes:
    return str(settings.AUDIT_HMAC_KEY).encode()


def _parts(event: AuditEvent) -> list[str]:
    occurred = event.occurred_at.astimezone(UTC).isoformat(timespec="microseconds")
    return [
        event.prev_hash,
        str(event.uuid),
        occurred,
        str(event.actor_id or ""),
        event.actor_email,
        str(event.organization_id or ""),
        event.role,
        event.action,
        event.object_type,
        str(event.object_uuid or ""),
        str(event.ip_address or ""),
        event.request_id,
        event.outcome,
        json.dumps(event.context, sort_keys=True, separators=(",", ":"), default=str),
    ]


def event_digest(event: AuditEvent) -> str:
    """The keyed hash of one event's content and the previous event's hash."""
    parts = [*_parts(event), str(event.object_organization_id or "")]
    return hmac.new(_key(), "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()


def unkeyed_digest(event: AuditEvent) -> str:
    """The hash events had before the chain was keyed (checked up to AUDIT_UNKEYED_UNTIL)."""
    return hashlib.sha256("\x1f".join(_parts(event)).encode()).hexdigest()


@dataclass(frozen=True)
class Checkpoint:
    seq: int  # the id of the last event covered
    hash: str
    count: int  # events in the chain up to and including it
    at: str
    sig: str = ""

    def _message(self) -> bytes:
        return f"{self.seq}|{self.hash}|{self.count}|{self.at}".encode()

    def signed(self) -> Checkpoint:
        sig = hmac.new(_key(), b"checkpoint|" + self._message(), hashlib.sha256).hexdigest()
        return Checkpoint(self.seq, self.hash, self.count, self.at, sig)

    def is_genuine(self) -> bool:
        return hmac.compare_digest(self.signed().sig, self.sig)

    def line(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def parse(cls, line: str) -> Checkpoint:
        """Raises ValueError on anything that is not a checkpoint line."""
        try:
            data = json.loads(line)
            return cls(int(data["seq"]), str(data["hash"]), int(data["count"]), str(data["at"]),
                       str(data["sig"]))  # fmt: skip
        except (TypeError, KeyError, json.JSONDecodeError) as exc:
            raise ValueError(f"not a checkpoint: {line[:80]!r}") from exc


def checkpoint_write() -> Checkpoint | None:
    """Sign the chain's current end; append it to the checkpoint file and log it."""
    last = AuditEvent.objects.order_by("-id").values_list("id", "hash").first()
    if last is None:
        return None
    count = AuditEvent.objects.filter(id__lte=last[0]).count()
    mark = Checkpoint(last[0], last[1], count, timezone.now().isoformat()).signed()
    path = Path(settings.AUDIT_CHECKPOINT_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(mark.line() + "\n")
    logger.info("AUDIT CHECKPOINT %s", mark.line())
    return mark


def checkpoints_read(extra: Iterable[str] = ()) -> list[str]:
    """The checkpoint lines from the file, then any given (e.g. copied from shipped logs)."""
    path = Path(settings.AUDIT_CHECKPOINT_FILE)
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    return [line.strip() for line in [*lines, *extra] if line.strip()]


def _event_fault(event: AuditEvent, prev: str, unkeyed_until: int) -> tuple[str, bool]:
    """What is wrong with this event ("" when nothing), and whether it is an unkeyed one."""
    if event.prev_hash != prev:
        return "link to previous event broken", False
    if hmac.compare_digest(event_digest(event), event.hash):
        return "", False
    if unkeyed_digest(event) != event.hash:
        return "content does not match its hash", False
    if event.id > unkeyed_until:
        return (
            f"unkeyed hash after the keyed chain began (AUDIT_UNKEYED_UNTIL={unkeyed_until}): "
            "the events were re-hashed, or this installation was upgraded from the unkeyed "
            "chain and AUDIT_UNKEYED_UNTIL is not set"
        ), True
    return "", True


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    broken_id: int | None = None
    broken_uuid: str | None = None
    reason: str = ""
    legacy: int = 0  # events from before the keyed chain
    checkpoints: int = 0


def verify_chain(extra_checkpoints: Iterable[str] = ()) -> VerifyResult:
    """Walk the chain in order; name the first event whose hash or link does not hold, or
    the checkpoint the chain no longer reaches."""
    marks: dict[int, Checkpoint] = {}
    for line in checkpoints_read(extra_checkpoints):
        try:
            mark = Checkpoint.parse(line)
        except ValueError as exc:
            return VerifyResult(False, 0, reason=f"checkpoint unreadable: {exc}")
        if not mark.is_genuine():
            return VerifyResult(False, 0, reason=f"checkpoint signature invalid: {line[:120]}")
        marks[mark.seq] = mark
    unkeyed_until = int(getattr(settings, "AUDIT_UNKEYED_UNTIL", 0) or 0)
    prev = GENESIS
    checked = legacy = 0
    reached: set[int] = set()
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        reason, unkeyed = _event_fault(event, prev, unkeyed_until)
        here = marks.get(event.id)
        if not reason and here is not None:
            if here.hash != event.hash or here.count != checked + 1:
                reason = f"event does not match the checkpoint of {here.at}"
            reached.add(here.seq)
        if reason:
            return VerifyResult(
                False, checked, event.id, str(event.uuid), reason, legacy, len(marks)
            )
        legacy += unkeyed
        prev = event.hash
        checked += 1
    for seq in sorted(set(marks) - reached):
        mark = marks[seq]
        return VerifyResult(
            False,
            checked,
            seq,
            None,
            f"the checkpoint of {mark.at} covers events up to id={seq} ({mark.count} events), "
            "which the chain no longer holds: events were removed",
            legacy,
            len(marks),
        )
    return VerifyResult(True, checked, legacy=legacy, checkpoints=len(marks))
