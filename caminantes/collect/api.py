# No `from __future__ import annotations`: django-ninja reads the annotations at run time.
"""Field collection API: the forms the caller manages or reviews, their versions (with the
questions pyxform describes), their submissions (personal data: each page is audited), and
uploading an XLSForm (multipart: `xlsform`, `organization` acronym, optional `kind` and
`country`). A form the caller may not see is 404, like one that does not exist; an
XLSForm pyxform refuses is 422 with its message and row.
"""

from datetime import datetime
from typing import Any, cast
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from caminantes.accounts.api_auth import require_scope
from caminantes.accounts.models import ApiToken, Organization, User
from caminantes.collect import selectors, services
from caminantes.collect.models import Form as CollectForm
from caminantes.collect.models import FormKind, FormVersion, Submission
from caminantes.geo.models import Country
from caminantes.lib.api import ErrorOut, InvalidOut
from caminantes.lib.pagination import PageNumberPagination

router = Router(tags=["Field collection"])


class FormOut(Schema):
    uuid: UUID
    form_id: str
    title: str
    kind: str
    organization: str
    country: str | None = None
    is_open: bool
    current_version: str | None = None

    @staticmethod
    def resolve_organization(obj: CollectForm) -> str:
        return obj.organization.acronym

    @staticmethod
    def resolve_country(obj: CollectForm) -> str | None:
        return obj.country.iso2 if obj.country else None

    @staticmethod
    def resolve_current_version(obj: CollectForm) -> str | None:
        current = obj.versions.filter(is_current=True).values_list("version", flat=True)
        return current.first()


class VersionOut(Schema):
    uuid: UUID
    version: str
    md5: str
    is_current: bool
    created_at: datetime
    questions: list[dict[str, Any]]
    media: list[str]

    @staticmethod
    def resolve_media(obj: FormVersion) -> list[str]:
        return [m.name for m in obj.media.all()]


class SubmissionOut(Schema):
    uuid: UUID
    instance_id: str
    deprecated_id: str
    version: str
    status: str
    review_reason: str
    created_at: datetime
    app_user: str | None = None
    xml: str

    @staticmethod
    def resolve_version(obj: Submission) -> str:
        return obj.form_version.version

    @staticmethod
    def resolve_app_user(obj: Submission) -> str | None:
        return obj.app_user.name if obj.app_user else None


class UploadOut(Schema):
    form: FormOut
    version: VersionOut
    created_version: bool
    warnings: list[str]
    missing_media: list[str]


@router.get("/forms", response=list[FormOut], summary="Forms you manage or review")
@paginate(PageNumberPagination, page_size=50)
def forms(request: HttpRequest) -> Any:
    return selectors.forms_for(user=request.user)


@router.get(
    "/forms/{uuid}/versions", response={200: list[VersionOut], 404: ErrorOut},
    summary="A form's versions, newest first, with their questions",
)  # fmt: skip
def versions(request: HttpRequest, uuid: UUID) -> Any:
    form = selectors.get_form_for_user(user=request.user, uuid=uuid)
    return list(form.versions.order_by("-created_at").prefetch_related("media"))


@router.get(
    "/forms/{uuid}/submissions", response={200: list[SubmissionOut], 404: ErrorOut},
    summary="A form's submissions, newest first (personal data: each page read is audited)",
)  # fmt: skip
@paginate(PageNumberPagination, page_size=50)
def submissions(request: HttpRequest, uuid: UUID, status: str = "") -> Any:
    form = selectors.get_form_for_user(user=request.user, uuid=uuid)
    rows = selectors.submissions_of(user=request.user, form=form).defer(None)
    if status:
        rows = rows.filter(status=status)
    return _AuditedPage(request, rows)


class _AuditedPage:
    """A queryset whose slices (the page the paginator takes) are audited as read."""

    def __init__(self, request: HttpRequest, qs: Any) -> None:
        self.request, self.qs = request, qs

    def count(self) -> int:
        return int(self.qs.count())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: Any) -> Any:
        rows = list(self.qs[key])
        selectors.record_page(user=self.request.user, rows=rows)
        return rows


@router.post(
    "/forms", response={201: UploadOut, 200: UploadOut, 403: ErrorOut, 422: InvalidOut},
    summary="Upload an XLSForm: a new form, or a new version of one (multipart)",
)  # fmt: skip
def upload(
    request: HttpRequest,
    xlsform: UploadedFile = File(...),  # noqa: B008 - django-ninja's way to declare a file
    organization: str = Form(...),
    kind: str = Form(FormKind.OTHER),
    country: str = Form(""),
) -> Any:
    require_scope(request, ApiToken.Scope.WRITE)
    org = Organization.objects.filter(acronym__iexact=organization).first()
    found_country = Country.objects.filter(iso2=country.upper()).first() if country else None
    if org is None or (country and found_country is None):
        return Status(422, {"detail": _("Check the fields."), "errors": {
            "organization" if org is None else "country": [_("Unknown.")]}})  # fmt: skip
    try:
        result = services.form_upload(
            actor=cast(User, request.user), organization=org, content=xlsform.read(),
            filename=xlsform.name or "", kind=kind, country=found_country,
        )  # fmt: skip
    except PermissionDenied:
        return Status(403, {"detail": _("Your roles do not allow this here.")})
    except DjangoValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return Status(422, {"detail": _("Check the fields."), "errors": errors})
    version = result.version
    return Status(201 if result.created_version else 200, {
        "form": version.form, "version": version, "created_version": result.created_version,
        "warnings": result.warnings, "missing_media": result.missing_media,
    })  # fmt: skip
