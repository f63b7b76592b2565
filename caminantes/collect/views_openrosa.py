"""The OpenRosa endpoints ODK Collect and KoboCollect call, at /collect/ (HTTP Basic, staff)
and at /collect/key/<token>/ (an app user). CSRF does not apply to them (a device has no
cookie to forge), and to nothing else in the app.

formList     GET   the open forms the caller may use (xforms list)
xforms/<uuid>/form.xml, /manifest, /media/<name>   GET   the current version and its media
submission   HEAD  204 with the OpenRosa headers (Collect's pre-flight)
             POST  multipart: `xml_submission_file` and the attachments
Every answer carries X-OpenRosa-Version 1.0, X-OpenRosa-Accept-Content-Length and Date;
every refusal is an OpenRosaResponse whose message the device shows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from caminantes.collect import intake
from caminantes.collect.models import Form
from caminantes.collect.openrosa import (
    OpenRosaError,
    Submitter,
    authenticate_basic,
    authenticate_token,
    form_list_xml,
    manifest_xml,
    message_response,
    openrosa_headers,
    xml_response,
)

Handler = Callable[..., HttpResponse]


def _authenticated(methods: tuple[str, ...]) -> Callable[[Handler], Handler]:
    def wrap(handler: Handler) -> Handler:
        @csrf_exempt
        @never_cache
        def view(request: HttpRequest, *args: Any, token: str | None = None, **kw: Any) -> Any:
            if request.method not in methods:
                response = message_response(_("This address does not answer that method."), 405)
                response["Allow"] = ", ".join(methods)
                return response
            try:
                if token is None:
                    submitter = authenticate_basic(request)
                else:
                    submitter = authenticate_token(request, token)
                return handler(request, submitter, *args, token=token, **kw)
            except OpenRosaError as exc:
                return message_response(exc.message, exc.status)

        view.__name__ = handler.__name__
        view.__doc__ = handler.__doc__
        return view

    return wrap


def _url(request: HttpRequest, route: str, token: str | None, **kwargs: Any) -> str:
    if token is not None:
        path = reverse(f"collect_key_{route}", kwargs={"token": token, **kwargs})
    else:
        path = reverse(f"collect_{route}", kwargs=kwargs or None)
    base = settings.CAMINANTES_BASE_URL
    return f"{base}{path}" if base else request.build_absolute_uri(path)


def _form(submitter: Submitter, uuid: Any) -> Form:
    form = submitter.forms().filter(uuid=uuid, is_open=True).first()
    if form is None:
        raise OpenRosaError(404, _("This form is not open to you on this server."), "form")
    return form


@_authenticated(("GET", "HEAD"))
def form_list(request: HttpRequest, submitter: Submitter, token: str | None = None) -> HttpResponse:
    forms = submitter.forms().filter(is_open=True, versions__is_current=True).order_by("title")
    rows = []
    for form in forms.prefetch_related("versions__media"):
        version = next(v for v in form.versions.all() if v.is_current)
        has_media = bool(version.media.all())
        download = _url(request, "form_xml", token, uuid=form.uuid)
        manifest = _url(request, "manifest", token, uuid=form.uuid) if has_media else None
        rows.append((form, version, download, manifest))
    return xml_response(form_list_xml(rows))


@_authenticated(("GET", "HEAD"))
def form_xml(
    request: HttpRequest, submitter: Submitter, uuid: Any, token: str | None = None
) -> HttpResponse:
    form = _form(submitter, uuid)
    version = form.versions.get(is_current=True)
    response = HttpResponse(version.xform, content_type="text/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{form.form_id}.xml"'
    return openrosa_headers(response)


@_authenticated(("GET", "HEAD"))
def manifest(
    request: HttpRequest, submitter: Submitter, uuid: Any, token: str | None = None
) -> HttpResponse:
    form = _form(submitter, uuid)
    version = form.versions.get(is_current=True)
    media = [
        (name, md5, _url(request, "media", token, uuid=form.uuid, name=name))
        for name, md5 in version.media.order_by("name").values_list("name", "md5")
    ]
    return xml_response(manifest_xml(media))


@_authenticated(("GET", "HEAD"))
def media(
    request: HttpRequest, submitter: Submitter, uuid: Any, name: str, token: str | None = None
) -> HttpResponse:
    form = _form(submitter, uuid)
    item = form.versions.get(is_current=True).media.filter(name=name).first()
    if item is None:
        raise OpenRosaError(404, _("The form has no media file of that name."), "media")
    response = HttpResponse(bytes(item.content), content_type=item.content_type)
    response["Content-Disposition"] = "attachment"
    return openrosa_headers(response)


def _read_files(request: HttpRequest) -> tuple[bytes, list[intake.Attachment]]:
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not length.isdigit() or int(length) > int(settings.COLLECT_MAX_REQUEST_BYTES):
        raise OpenRosaError(413, _("The submission is larger than this server accepts."),
                            "request_too_large")  # fmt: skip
    if not (request.content_type or "").startswith("multipart/form-data"):
        raise OpenRosaError(400, _("Send the submission as multipart/form-data with an "
                                   "xml_submission_file part."), "not_multipart")  # fmt: skip
    try:
        files = request.FILES
    except (RequestDataTooBig, TooManyFilesSent):
        raise OpenRosaError(413, _("The submission has too many parts."),
                            "too_many_parts") from None  # fmt: skip
    except (MultiPartParserError, SuspiciousOperation, ValueError):
        raise OpenRosaError(400, _("The submission's multipart body is damaged."),
                            "bad_multipart") from None  # fmt: skip
    xml_file = files.get("xml_submission_file")
    if xml_file is None:
        raise OpenRosaError(400, _("The submission has no xml_submission_file part."),
                            "no_xml_part")  # fmt: skip
    if xml_file.size and xml_file.size > int(settings.COLLECT_MAX_XML_BYTES):
        raise OpenRosaError(413, _("The submission's XML is larger than this server accepts."),
                            "xml_too_large")  # fmt: skip
    attachments = []
    for field in files:
        if field == "xml_submission_file":
            continue
        for uploaded in files.getlist(field):
            if uploaded.size and uploaded.size > int(settings.COLLECT_MAX_ATTACHMENT_BYTES):
                raise OpenRosaError(413, _("The attachment %(name)s is larger than this server "
                                           "accepts.") % {"name": (uploaded.name or "")[:100]},
                                    "attachment_too_large")  # fmt: skip
            name = (uploaded.name or field).rsplit("/", 1)[-1]
            attachments.append(intake.Attachment(name=name, content=uploaded.read()))
    return xml_file.read(), attachments


@_authenticated(("HEAD", "POST"))
def submission(
    request: HttpRequest, submitter: Submitter, token: str | None = None
) -> HttpResponse:
    if request.method == "HEAD":
        return openrosa_headers(HttpResponse(status=204))
    xml, attachments = _read_files(request)
    received = intake.submission_receive(
        submitter=submitter, xml=xml, attachments=attachments,
        device_id=request.GET.get("deviceID", ""),
    )  # fmt: skip
    if received.created:
        return message_response(_("Submission received."), 201)
    if received.attachments_added:
        return message_response(_("Submission already received; its new attachments were "
                                  "added."), 202)  # fmt: skip
    return message_response(_("Submission already received; nothing was changed."), 202)
