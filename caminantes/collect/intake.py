"""Receiving a submission, by ODK Central's rules: nothing lost, nothing twice.

`submission_receive` parses the XML with defusedxml (no DTD, no entities, no external
references), finds the form among those the caller may use, and stores the instance once:
- a new instanceID: stored (201), and processed after commit;
- the same instanceID with the same content (compared by a hash of the canonical XML):
  nothing changes (202), except that attachments not yet received are added;
- the same instanceID with other content: 409;
- an edit names the instance it replaces in meta/deprecatedID: stored under its new
  instanceID and the old one marked REPLACED; editing an instance already replaced (an
  out-of-date copy), or one that does not exist, is 409.
Retries and concurrent sends rely on the database: the unique (form, instance_id)
constraint decides, and the loser of a race reads the winner's row and answers as a retry.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as DET
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.collect import sniff
from caminantes.collect.models import (
    Form,
    FormVersion,
    Submission,
    SubmissionAttachment,
    SubmissionStatus,
)
from caminantes.collect.openrosa import OpenRosaError, Submitter
from caminantes.lib.compiled import Compiled, insert

logger = logging.getLogger("caminantes.collect")
# SQLite has one writer; threads of one process sharing it (the test server, a demo) would
# get "table is locked" instead of waiting, so they take turns here. PostgreSQL needs none.
_sqlite_writer = threading.Lock()


@dataclass(frozen=True)
class Attachment:
    name: str
    content: bytes


@dataclass(frozen=True)
class Received:
    submission: Submission
    created: bool  # False: a re-send of what was already here (nothing new but attachments)
    attachments_added: int = 0


@dataclass(frozen=True)
class ParsedInstance:
    form_id: str
    version: str
    instance_id: str
    deprecated_id: str
    sha256: str
    text: str


def _local(tag: Any) -> str:
    return str(tag).rsplit("}", 1)[-1]


def parse_instance(data: bytes) -> ParsedInstance:
    if len(data) > int(settings.COLLECT_MAX_XML_BYTES):
        raise OpenRosaError(413, _("The submission's XML is larger than this server accepts."),
                            "xml_too_large")  # fmt: skip
    try:
        root = DET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise OpenRosaError(400, _("The submission's XML declares a DTD or entities, which "
                                   "this server refuses."), "xml_hostile") from None  # fmt: skip
    except (ET.ParseError, ValueError):
        raise OpenRosaError(400, _("The submission is not well-formed XML."),
                            "xml_malformed") from None  # fmt: skip
    form_id = (root.get("id") or "").strip()
    if not form_id:
        raise OpenRosaError(400, _("The submission does not name its form (no id attribute "
                                   "on its root element)."), "no_form_id")  # fmt: skip
    meta = {}
    for child in root:
        if _local(child.tag) == "meta":
            meta = {_local(m.tag): (m.text or "").strip() for m in child}
            break
    instance_id = meta.get("instanceID", "")
    if not instance_id:
        raise OpenRosaError(400, _("The submission has no meta/instanceID: it cannot be told "
                                   "apart from a re-send."), "no_instance_id")  # fmt: skip
    if len(instance_id) > 255 or len(meta.get("deprecatedID", "")) > 255:
        raise OpenRosaError(400, _("The submission's instanceID is too long."), "long_id")
    canonical = ET.canonicalize(ET.tostring(root, encoding="unicode"), strip_text=True)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = ET.tostring(root, encoding="unicode")
    return ParsedInstance(
        form_id=form_id,
        version=(root.get("version") or "").strip(),
        instance_id=instance_id,
        deprecated_id=meta.get("deprecatedID", ""),
        sha256=hashlib.sha256(canonical.encode()).hexdigest(),
        text=text,
    )


def check_attachments(files: list[Attachment]) -> list[tuple[Attachment, str]]:
    """Each attachment with the type its bytes show, or 413/400 for the whole request."""
    if len(files) > int(settings.COLLECT_MAX_ATTACHMENTS):
        raise OpenRosaError(413, _("Too many attachments in one submission (at most "
                                   "%(n)d).") % {"n": settings.COLLECT_MAX_ATTACHMENTS},
                            "too_many_attachments")  # fmt: skip
    checked = []
    for f in files:
        if len(f.content) > int(settings.COLLECT_MAX_ATTACHMENT_BYTES):
            raise OpenRosaError(413, _("The attachment %(name)s is larger than this server "
                                       "accepts.") % {"name": f.name[:100]},
                                "attachment_too_large")  # fmt: skip
        content_type = sniff.attachment_type(f.content)
        if content_type is None:
            raise OpenRosaError(400, _("The attachment %(name)s is not a photo, audio, video or "
                                       "data file.") % {"name": f.name[:100]},
                                "attachment_type")  # fmt: skip
        checked.append((f, content_type))
    return checked


@contextmanager
def _writer() -> Iterator[None]:
    if connection.vendor == "sqlite":
        with _sqlite_writer:
            yield
    else:
        yield


class _Refusal(Exception):
    """A refusal found inside a transaction: audited once the transaction is rolled back,
    so that the denial's audit event is not rolled back with it."""

    def __init__(self, form: Form, reason: str, error: OpenRosaError) -> None:
        super().__init__(reason)
        self.form, self.reason, self.error = form, reason, error


def _deny(submitter: Submitter, form: Form | None, reason: str, error: OpenRosaError) -> None:
    log(
        submitter.audit_actor, actions.ACCESS_DENIED, form or Submission, "denied",
        object_organization=form.organization if form else None, reason=reason,
        **submitter.audit_context,
    )  # fmt: skip
    raise error


def _version_pk(version: str) -> Subquery:
    versions = FormVersion.objects.filter(form=OuterRef("pk"), version=version)
    return Subquery(versions.values("pk")[:1])


# The form an app user names, with the id of the version named (None: not on this server),
# in one statement compiled once per process (two look-ups compiled on every submission
# cost more CPU than everything PostgreSQL did for it).
_APP_USER_FORM: Compiled[Form] = Compiled(
    lambda app_user, organization, form_id, version: Form.objects.filter(
        app_users=app_user, organization_id=organization, form_id=form_id
    ).annotate(version_pk=_version_pk(version)),
    app_user=int, organization=int, form_id=str, version=str,
)  # fmt: skip
# A stored instance, read when the insert found it there (a re-send, or a lost race).
_STORED: Compiled[Submission] = Compiled(
    lambda form, instance_id: Submission.objects.filter(form_id=form, instance_id=instance_id)
    .only("id", "uuid", "form_id", "instance_id", "xml_sha256", "status"),
    form=int, instance_id=str,
)  # fmt: skip


def _find_form(submitter: Submitter, parsed: ParsedInstance) -> Form | None:
    """The caller's form named by the instance, `version_pk` annotated (the same forms as
    `submitter.forms()`)."""
    app_user = submitter.app_user
    if app_user is not None:
        form = _APP_USER_FORM.first(
            app_user=app_user.pk, organization=app_user.organization_id,
            form_id=parsed.form_id, version=parsed.version,
        )  # fmt: skip
        if form is not None:
            form.organization = app_user.organization  # the same: its forms are its own
        return form
    return (
        submitter.forms().filter(form_id=parsed.form_id).select_related("organization")
        .annotate(version_pk=_version_pk(parsed.version)).first()
    )  # fmt: skip


def _form_for(submitter: Submitter, parsed: ParsedInstance) -> tuple[Form, int]:
    """The form and the id of the version the instance names, or the refusal."""
    form = _find_form(submitter, parsed)
    if form is None:
        elsewhere = Form.objects.filter(form_id=parsed.form_id).select_related("organization")
        error = OpenRosaError(404, _("No form “%(id)s” is open to you on this server.")
                              % {"id": parsed.form_id[:100]}, "form_not_yours")  # fmt: skip
        if elsewhere.exists():  # a probe at another team's or organisation's form
            _deny(submitter, elsewhere.first(), "form_not_yours", error)
        raise error
    if not form.is_open:
        _deny(submitter, form, "form_closed", OpenRosaError(
            409, _("The form “%(id)s” no longer accepts submissions.") % {"id": form.form_id},
            "form_closed"))  # fmt: skip
    version_pk = form.version_pk  # type: ignore[attr-defined]
    if version_pk is None:
        _deny(submitter, form, "unknown_version", OpenRosaError(
            409, _("Version “%(v)s” of the form “%(id)s” is not on this server: update the "
                   "form on the device (Get blank form).")
            % {"v": parsed.version[:100], "id": form.form_id}, "unknown_version"))  # fmt: skip
    return form, int(version_pk)


def submission_receive(
    *, submitter: Submitter, xml: bytes, attachments: list[Attachment], device_id: str = ""
) -> Received:
    parsed = parse_instance(xml)
    files = check_attachments(attachments)
    form, version_pk = _form_for(submitter, parsed)
    with _writer():
        return _store(submitter, form, version_pk, parsed, files, device_id[:255])


def _conflict(parsed: ParsedInstance) -> OpenRosaError:
    return OpenRosaError(
        409,
        _("A submission with this instanceID (%(id)s) is already here with different content. "
          "It was not changed.") % {"id": parsed.instance_id[:100]},
        "instance_conflict",
    )  # fmt: skip


def _add_attachments(
    submission: Submission, files: list[tuple[Attachment, str]], present: set[str]
) -> int:
    added = 0
    for f, content_type in files:
        if f.name in present:
            continue
        attachment = SubmissionAttachment(
            submission=submission, name=f.name[:255], content_type=content_type,
            size=len(f.content), sha256=hashlib.sha256(f.content).hexdigest(),
        )  # fmt: skip
        attachment.content = f.content  # encrypted (models)
        attachment.save(force_insert=True)
        present.add(f.name)
        added += 1
    return added


def _resend(
    submitter: Submitter, existing: Submission, parsed: ParsedInstance,
    files: list[tuple[Attachment, str]],
) -> Received:  # fmt: skip
    if existing.xml_sha256 != parsed.sha256:
        raise _Refusal(existing.form, "instance_conflict", _conflict(parsed))
    if not files:  # a plain re-send: nothing to add, nothing to read
        return Received(existing, created=False)
    present = set(existing.attachments.values_list("name", flat=True))
    added = _add_attachments(existing, files, present)
    if added:
        log(submitter.audit_actor, actions.UPDATE, existing,
            organization=existing.form.organization, attachments_added=added,
            **submitter.audit_context)  # fmt: skip
    return Received(existing, created=False, attachments_added=added)


def _store(
    submitter: Submitter, form: Form, version_pk: int, parsed: ParsedInstance,
    files: list[tuple[Attachment, str]], device_id: str,
) -> Received:  # fmt: skip
    """Insert first: a new instance (the common case) costs one statement, and the unique
    constraint, not a look beforehand, tells a re-send (or the loser of a race) apart. On
    IntegrityError the transaction is rolled back whole and the existing row is read."""
    try:
        try:
            with transaction.atomic():
                return _insert(submitter, form, version_pk, parsed, files, device_id)
        except IntegrityError as exc:
            with transaction.atomic():
                existing = _STORED.first(form=form.pk, instance_id=parsed.instance_id)
                if existing is None:  # pragma: no cover - an integrity error of another kind
                    raise exc
                existing.form = form
                return _resend(submitter, existing, parsed, files)
    except _Refusal as refusal:
        _deny(submitter, refusal.form, refusal.reason, refusal.error)
        raise AssertionError("unreachable") from None


def _insert(
    submitter: Submitter, form: Form, version_pk: int, parsed: ParsedInstance,
    files: list[tuple[Attachment, str]], device_id: str,
) -> Received:  # fmt: skip
    replaced: Submission | None = None
    if parsed.deprecated_id:
        replaced = (
            Submission.objects.select_for_update()
            .filter(form=form, instance_id=parsed.deprecated_id)
            .first()
        )
        if replaced is None or replaced.status == SubmissionStatus.REPLACED:
            if Submission.objects.filter(form=form, instance_id=parsed.instance_id).exists():
                raise IntegrityError("a re-send of an edit already stored")
            raise _Refusal(form, "edit_out_of_date", OpenRosaError(
                409, _("This edit replaces a submission that is not the latest (it was "
                       "already edited, or never arrived). Nothing was changed."),
                "edit_out_of_date"))  # fmt: skip
    submission = Submission(
        form=form, form_version_id=version_pk, instance_id=parsed.instance_id,
        deprecated_id=parsed.deprecated_id, xml_sha256=parsed.sha256,
        submitted_by=submitter.user, app_user=submitter.app_user, device_id=device_id,
    )  # fmt: skip
    submission.xml = parsed.text  # encrypted (models); re-sends compare xml_sha256
    insert(submission)  # .save(force_insert=True), the INSERT written once per process
    _add_attachments(submission, files, set())
    if replaced is not None:
        Submission.objects.filter(pk=replaced.pk).update(status=SubmissionStatus.REPLACED)
        log(submitter.audit_actor, actions.UPDATE, replaced, organization=form.organization,
            replaced_by=submission.uuid, **submitter.audit_context)  # fmt: skip
    # Last: the audit chain's lock is held from here to the commit.
    log(
        submitter.audit_actor, actions.CREATE, submission, organization=form.organization,
        form_id=form.form_id, version=parsed.version, attachments=len(files),
        edit=bool(replaced), **submitter.audit_context,
    )  # fmt: skip
    _after_commit_process(submission.pk)
    return Received(submission, created=True)


def _after_commit_process(submission_id: int) -> None:
    def run() -> None:
        from caminantes.collect.tasks import process_submission_task

        try:
            process_submission_task(submission_id)
        except Exception:
            logger.exception("processing of submission %s failed to start", submission_id)

    transaction.on_commit(run)
