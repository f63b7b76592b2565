"""The OpenRosa side of the wire: response documents and headers, and who is calling.

Shapes follow ODK Central (lib/formats/openrosa.js): the xforms list, the manifest, and
`<OpenRosaResponse xmlns="http://openrosa.org/http/response"><message nature="">` answers.

Authentication is what ODK Collect and KoboCollect speak, chosen for what they protect:
- an app user's token in the URL (`/collect/key/<token>/`), as ODK Central does: one
  secret per device or team, reaching only the forms it was given, revocable, stored as a
  SHA-256; the form's organisation hands it out on a QR code, nobody types a password;
- HTTP Basic with a staff e-mail, over HTTPS only (plain HTTP only when DEBUG). The
  password is a personal API token (`cam_...`) for accounts that must use a second factor,
  since a password alone would walk around it; the account password only for roles exempt
  from it (DTM enumerators).
HTTP Digest is not offered: it needs a password-equivalent MD5 (HA1) kept on the server
for every account, beside the PBKDF2 hash Django keeps; ODK Central dropped it for the
same reason, and Collect falls back to Basic over HTTPS.

Failed attempts are counted per address (lib.ratelimit) and audited.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings
from django.contrib.auth import authenticate
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.http import http_date
from django.utils.translation import gettext as _

from caminantes.accounts import lockout
from caminantes.accounts.models import User
from caminantes.accounts.services import api_token_authenticate
from caminantes.accounts.twofactor import requires_two_factor
from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.collect import policies
from caminantes.collect.models import AppUser, Form
from caminantes.collect.services import token_hash
from caminantes.lib import ratelimit
from caminantes.lib.compiled import Compiled

NS_RESPONSE = "http://openrosa.org/http/response"
NS_XFORMS_LIST = "http://openrosa.org/xforms/xformsList"
NS_MANIFEST = "http://openrosa.org/xforms/xformsManifest"
REALM = "Caminantes"
AUTH_WINDOW = 15 * 60


class OpenRosaError(Exception):
    """An answer other than success: its HTTP status and the message the device shows."""

    def __init__(self, status: int, message: str, reason: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.reason = reason or str(status)


def openrosa_headers(response: HttpResponse) -> HttpResponse:
    response["X-OpenRosa-Version"] = "1.0"
    response["X-OpenRosa-Accept-Content-Length"] = str(settings.COLLECT_MAX_REQUEST_BYTES)
    response["Date"] = http_date()
    response["Cache-Control"] = "no-store"
    return response


def xml_response(body: str, status: int = 200) -> HttpResponse:
    document = '<?xml version="1.0" encoding="UTF-8"?>\n' + body
    response = HttpResponse(document, status=status, content_type="text/xml; charset=utf-8")
    return openrosa_headers(response)


def message_response(message: str, status: int) -> HttpResponse:
    body = (
        f'<OpenRosaResponse xmlns="{NS_RESPONSE}" items="0">'
        f'<message nature="">{escape(message)}</message></OpenRosaResponse>'
    )
    response = xml_response(body, status)
    if status == 401:
        response["WWW-Authenticate"] = f'Basic realm="{REALM}", charset="UTF-8"'
    return response


def form_list_xml(forms: list[tuple[Form, Any, str, str | None]]) -> str:
    """(form, current version, download URL, manifest URL or None) per form."""
    items = []
    for form, version, download_url, manifest_url in forms:
        manifest = f"<manifestUrl>{escape(manifest_url)}</manifestUrl>" if manifest_url else ""
        items.append(
            "<xform>"
            f"<formID>{escape(form.form_id)}</formID>"
            f"<name>{escape(form.title)}</name>"
            f"<version>{escape(version.version)}</version>"
            f"<hash>md5:{version.md5}</hash>"
            f"<downloadUrl>{escape(download_url)}</downloadUrl>"
            f"{manifest}"
            "</xform>"
        )
    return f'<xforms xmlns="{NS_XFORMS_LIST}">{"".join(items)}</xforms>'


def manifest_xml(media: list[tuple[str, str, str]]) -> str:
    """(file name, md5, download URL) per media file."""
    items = "".join(
        f"<mediaFile><filename>{escape(name)}</filename><hash>md5:{md5}</hash>"
        f"<downloadUrl>{escape(url)}</downloadUrl></mediaFile>"
        for name, md5, url in media
    )
    return f'<manifest xmlns="{NS_MANIFEST}">{items}</manifest>'


@dataclass(frozen=True)
class Submitter:
    """Who is calling: an app user (token) or a staff member (Basic)."""

    user: User | None = None
    app_user: AppUser | None = None

    @property
    def audit_actor(self) -> Any:
        return self.user

    @property
    def audit_context(self) -> dict[str, Any]:
        if self.app_user is not None:
            return {"actor_email": f"app-user:{self.app_user.uuid}", "app_user": self.app_user.uuid}
        return {}

    def forms(self) -> QuerySet[Form]:
        """The forms this caller may list, download and submit to (open or closed)."""
        if self.app_user is not None:
            return self.app_user.forms.filter(organization_id=self.app_user.organization_id)
        user = self.user
        if user is None:
            return Form.objects.none()
        org_ids = {g.organization_id for g in policies.policies.grants(user)}
        candidates = Form.objects.filter(organization_id__in=org_ids)
        allowed = [f.pk for f in candidates if policies.may_submit(user, f)]
        return Form.objects.filter(pk__in=allowed)


def _failure_keys(request: HttpRequest, email: str = "") -> list[str]:
    keys = [f"collect-auth:ip:{lockout.request_ip(request)}"]
    if email:
        keys.append(f"collect-auth:account:{token_hash(email)}")
    return keys


def _too_many(request: HttpRequest, email: str = "") -> None:
    """Only failures are counted: a device authenticates on every request, and its
    hundredth good submission must not lock it out."""
    limit = settings.COLLECT_AUTH_FAILURES_PER_ADDRESS
    if any(ratelimit.count(k, AUTH_WINDOW) >= limit for k in _failure_keys(request, email)):
        raise OpenRosaError(
            429, _("Too many failed attempts. Wait 15 minutes and try again."), "rate_limited"
        )


def _failed(
    request: HttpRequest, status: int, message: str, reason: str, email: str = "", **context: Any
) -> OpenRosaError:
    for key in _failure_keys(request, email):
        ratelimit.hit(key, settings.COLLECT_AUTH_FAILURES_PER_ADDRESS, AUTH_WINDOW)
    subject = AppUser if reason.startswith("token") else User
    if email:
        context["actor_email"] = email
    log(None, actions.LOGIN_FAILED, subject, "denied", channel="openrosa", reason=reason,
        **context)  # fmt: skip
    return OpenRosaError(status, message, reason)


# The app user of a token, on every request of a device: one statement compiled once (the
# ORM compiled it anew each time, six times what PostgreSQL spent answering it).
_BY_TOKEN: Compiled[AppUser] = Compiled(
    lambda token_hash: AppUser.objects.filter(token_hash=token_hash).select_related("organization"),
    token_hash=str,
)


def authenticate_token(request: HttpRequest, token: str) -> Submitter:
    # The limit is checked once the token is not found: a good token is no guess, and a
    # device's every request must not cost a look at the counters.
    app_user = _BY_TOKEN.first(token_hash=token_hash(token))
    if app_user is None or not app_user.organization.is_active:
        _too_many(request)
        raise _failed(
            request, 401, _("This server address is not valid. Ask your coordinator for a new "
                            "QR code."), "token_unknown",
        )  # fmt: skip
    if app_user.revoked_at is not None:
        raise _failed(
            request, 403, _("This device's access was revoked. Ask your coordinator for a "
                            "new QR code."), "token_revoked",
            object_organization=app_user.organization, app_user=app_user.uuid,
        )  # fmt: skip
    return Submitter(app_user=app_user)


def authenticate_basic(request: HttpRequest) -> Submitter:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header.lower().startswith("basic "):
        raise OpenRosaError(401, _("Sign in with your e-mail and password."), "no_credentials")
    if not request.is_secure() and not settings.DEBUG:
        raise OpenRosaError(
            401,
            _("This server accepts passwords only over HTTPS. Use the https:// address, or "
              "the QR code of an app user."),
            "basic_over_http",
        )  # fmt: skip
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
        email, password = decoded.split(":", 1)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        _too_many(request)
        raise _failed(request, 401, _("The credentials sent are not readable."),
                      "basic_malformed") from None  # fmt: skip
    email = lockout.normalize_email_login(email)
    _too_many(request, email)
    user: Any = None
    if password.startswith("cam_"):
        token = api_token_authenticate(password)
        if token is not None and token.user.email.lower() == email.lower():
            user = token.user
    else:
        candidate = authenticate(request, username=email, password=password)
        if candidate is not None and requires_two_factor(candidate):
            raise _failed(
                request, 401, _("Your account uses a second factor: type a personal API token "
                                "as the password instead."), "basic_needs_token",
                email=email,
            )  # fmt: skip
        user = candidate
    if user is None or not user.is_active:
        raise _failed(request, 401, _("Wrong e-mail or password."), "basic_wrong",
                      email=email)  # fmt: skip
    return Submitter(user=user)
