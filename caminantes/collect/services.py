"""Every write about forms and app users: upload an XLSForm (a form's first version or a
new one), hand out and revoke app users, assign forms to them. Each is: permission check,
change, audit event, in one transaction. `actor=None` is the system (command line, demo).

Submissions are written by `intake.submission_receive`.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caminantes.accounts.models import Organization, User
from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.collect import policies, sniff
from caminantes.collect.models import AppUser, Form, FormKind, FormMedia, FormVersion
from caminantes.collect.xlsform import XLSFormError, convert
from caminantes.geo.models import Country


@dataclass(frozen=True)
class MediaFile:
    name: str
    content: bytes


@dataclass(frozen=True)
class UploadResult:
    version: FormVersion
    created_form: bool
    created_version: bool  # False: the very same version was uploaded again (a no-op)
    warnings: list[str]
    missing_media: list[str]


def _deny(actor: User | None, action: str, obj: object, reason: str, organization: object) -> None:
    log(actor, action, obj, "denied", object_organization=organization, reason=reason)
    raise PermissionDenied


def form_upload(
    *,
    actor: User | None,
    organization: Organization,
    content: bytes,
    filename: str = "",
    kind: str = FormKind.OTHER,
    country: Country | None = None,
    media: list[MediaFile] | None = None,
) -> UploadResult:
    """Convert the XLSForm and keep it: a new form, or a new version of the organisation's
    form with the same form_id (which becomes current). The same version again with the
    same XForm is a no-op; with a different XForm it is refused: versions never change."""
    country_id = country.pk if country else None
    if actor is not None and not policies.may_manage(actor, organization.pk, country_id):
        _deny(actor, actions.CREATE, Form, "not_form_manager", organization)
    if kind not in FormKind.values:
        raise ValidationError({"kind": [_("Choose what the form's submissions become.")]})
    try:
        converted = convert(content, filename)
    except XLSFormError as exc:
        raise ValidationError({"xlsform": [str(exc)]}) from exc
    media_files = _check_media(media or [], converted.media_names)
    with transaction.atomic():
        form = (
            Form.objects.select_for_update()
            .filter(organization=organization, form_id=converted.form_id)
            .first()
        )
        created_form = form is None
        if form is None:
            form = Form.objects.create(
                organization=organization, country=country, form_id=converted.form_id,
                title=converted.title, kind=kind, created_by=actor,
            )  # fmt: skip
            log(actor, actions.CREATE, form, organization=organization, form_id=form.form_id)
        existing = form.versions.filter(version=converted.version).first()
        if existing is not None:
            if existing.md5 != converted.md5:
                raise ValidationError({"xlsform": [_(
                    "Version “%(version)s” of form %(form)s was already uploaded with other "
                    "content. A version never changes: raise the version in the settings "
                    "sheet and upload again."
                ) % {"version": converted.version or "—", "form": form.form_id}]})  # fmt: skip
            return UploadResult(existing, False, False, converted.warnings, _missing(existing))
        form.versions.filter(is_current=True).update(is_current=False)
        version = FormVersion.objects.create(
            form=form, version=converted.version, xlsform=content,
            xlsform_name=filename[:255], xform=converted.xform, md5=converted.md5,
            questions=converted.questions, is_current=True, created_by=actor,
        )  # fmt: skip
        for name, data, content_type in media_files:
            FormMedia.objects.create(
                form_version=version, name=name, content_type=content_type, size=len(data),
                md5=hashlib.md5(data, usedforsecurity=False).hexdigest(), content=data,
            )  # fmt: skip
        if form.title != converted.title:
            form.title = converted.title
            form.save(update_fields=["title"])
        log(
            actor, actions.CREATE, version, organization=organization, form_id=form.form_id,
            version=converted.version, media=len(media_files),
        )  # fmt: skip
    return UploadResult(version, created_form, True, converted.warnings, _missing(version))


def _check_media(files: list[MediaFile], expected: list[str]) -> list[tuple[str, bytes, str]]:
    checked = []
    for f in files:
        name = f.name.rsplit("/", 1)[-1]
        if name not in expected:
            raise ValidationError({"media": [_(
                "The form does not use a file named %(name)s (it uses: %(expected)s)."
            ) % {"name": name, "expected": ", ".join(expected) or "—"}]})  # fmt: skip
        content_type = sniff.media_type(f.content, name)
        if content_type is None:
            raise ValidationError({"media": [_(
                "%(name)s is not an image, audio, video or CSV file."
            ) % {"name": name}]})  # fmt: skip
        checked.append((name, f.content, content_type))
    return checked


def _missing(version: FormVersion) -> list[str]:
    from caminantes.collect.xlsform import MEDIA_RE

    have = set(version.media.values_list("name", flat=True))
    return sorted(set(MEDIA_RE.findall(version.xform)) - have)


def form_set_open(*, actor: User | None, form: Form, is_open: bool) -> Form:
    if actor is not None and not policies.may_manage(actor, form.organization_id, form.country_id):
        _deny(actor, actions.UPDATE, form, "not_form_manager", form.organization)
    with transaction.atomic():
        form.is_open = is_open
        form.save(update_fields=["is_open"])
        log(actor, actions.UPDATE, form, organization=form.organization, is_open=is_open)
    return form


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class NewAppUser:
    app_user: AppUser
    token: str  # shown once: only its sha256 is stored


def app_user_create(
    *, actor: User | None, organization: Organization, name: str, forms: list[Form]
) -> NewAppUser:
    """A device identity reaching only `forms` (the team's forms), all of `organization`."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": [_("Give the app user a name (the device or team).")]})
    if actor is not None and not policies.may_manage(actor, organization.pk):
        _deny(actor, actions.TOKEN_CREATED, AppUser, "not_form_manager", organization)
    for form in forms:
        if form.organization_id != organization.pk:
            raise ValidationError({"forms": [_("A form of another organisation cannot be "
                                               "given to this app user.")]})  # fmt: skip
        if actor is not None and not policies.may_manage(actor, organization.pk, form.country_id):
            _deny(actor, actions.TOKEN_CREATED, form, "not_form_manager", organization)
    for _attempt in range(3):
        token = secrets.token_urlsafe(48)
        try:
            with transaction.atomic():
                app_user = AppUser.objects.create(
                    organization=organization, name=name[:100], token_hash=token_hash(token),
                    created_by=actor,
                )  # fmt: skip
                app_user.forms.set(forms)
                log(
                    actor, actions.TOKEN_CREATED, app_user, organization=organization,
                    forms=[f.form_id for f in forms],
                )  # fmt: skip
            return NewAppUser(app_user, token)
        except IntegrityError:  # pragma: no cover - a 384-bit collision
            continue
    raise RuntimeError("could not draw a unique token")  # pragma: no cover


def app_user_revoke(*, actor: User | None, app_user: AppUser) -> AppUser:
    if actor is not None and not policies.may_manage(actor, app_user.organization_id):
        _deny(actor, actions.TOKEN_REVOKED, app_user, "not_form_manager", app_user.organization)
    with transaction.atomic():
        if app_user.revoked_at is None:
            app_user.revoked_at = timezone.now()
            app_user.save(update_fields=["revoked_at"])
            log(actor, actions.TOKEN_REVOKED, app_user, organization=app_user.organization)
    return app_user


def app_user_set_forms(*, actor: User | None, app_user: AppUser, forms: list[Form]) -> AppUser:
    """Change which forms the app user's device lists and may submit to."""
    if actor is not None and not policies.may_manage(actor, app_user.organization_id):
        _deny(actor, actions.UPDATE, app_user, "not_form_manager", app_user.organization)
    if any(f.organization_id != app_user.organization_id for f in forms):
        raise ValidationError({"forms": [_("A form of another organisation cannot be given "
                                           "to this app user.")]})  # fmt: skip
    with transaction.atomic():
        app_user.forms.set(forms)
        log(actor, actions.UPDATE, app_user, organization=app_user.organization,
            forms=[f.form_id for f in forms])  # fmt: skip
    return app_user
