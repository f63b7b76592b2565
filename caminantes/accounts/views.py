from __future__ import annotations

import base64
import time
from io import BytesIO
from typing import Any

import django_otp
import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from caminantes.accounts import lockout, policies, services
from caminantes.accounts.context import SESSION_COUNTRY, SESSION_ORG
from caminantes.accounts.decorators import (
    grant_sudo,
    kept_form,
    perm_required,
    sudo_active,
    sudo_required,
)
from caminantes.accounts.forms import (
    ApiTokenForm,
    EmailAuthenticationForm,
    MembershipForm,
    OtpTokenForm,
    SudoForm,
)
from caminantes.accounts.middleware import idle_seconds_left, touch_session
from caminantes.accounts.models import ApiToken, Membership, Organization, User
from caminantes.accounts.permissions import Perm, Role
from caminantes.accounts.twofactor import demo_mode, has_confirmed_device, is_verified
from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.audit.models import Outcome
from caminantes.lib.form_errors import apply_errors, error_messages, posted, problems

SETUP_DEVICE = "otp_setup_device"
# When this session last gave the password at the login page: a first authenticator may be
# set up within SUDO_MODE_SECONDS of it without typing the password again.
PASSWORD_LOGIN_AT = "password_login_at"  # noqa: S105 - a session key's name


def _next_url(request: HttpRequest, default: str = "home") -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    # Only a path of this site: redirect() would take any other word for a URL name and
    # fail to reverse it.
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(default)


def _with_language(response: HttpResponse, user: User) -> HttpResponse:
    from django.conf import settings

    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        user.language,
        max_age=365 * 24 * 3600,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite="Lax",
    )
    return response


@sensitive_post_parameters("password")
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.method == "GET":
        return redirect(_next_url(request))
    form = EmailAuthenticationForm(request, data=posted(request))
    refused = ""
    if request.method == "POST" and not _attempt_allowed(request, request.POST.get("username")):
        # Refused before the password is checked: this is what bounds guessing.
        refused = _too_many_attempts()
    elif request.method == "POST" and form.is_valid():
        user = form.get_user()
        login(request, user)
        request.session[PASSWORD_LOGIN_AT] = time.time()
        response = HttpResponseRedirect(_next_url(request))
        return _with_language(response, user)
    return render(
        request,
        "accounts/login.html",
        {"form": form, "next": _next_url(request), "demo": demo_mode(), "refused": refused},
        status=429 if refused else 200,
    )


def _attempt_allowed(request: HttpRequest, email: Any) -> bool:
    """The rate limits of accounts.lockout; a refusal is in the audit trail."""
    if lockout.login_attempt_allowed(request, str(email or "")):
        return True
    email = lockout.normalize_email_login(email)[:254]
    log(None, actions.LOGIN_FAILED, outcome=Outcome.DENIED, actor_email=email, reason="rate")
    return False


def _too_many_attempts() -> str:
    return _("Too many attempts. Wait a few minutes and try again.")


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's form with our own labels (Django's Portuguese ones are European)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("Current password")
        self.fields["new_password1"].label = _("New password")
        self.fields["new_password2"].label = _("New password, again")


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = "/"

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        log(self.request.user, actions.UPDATE, self.request.user, field="password")
        messages.success(self.request, _("Password changed."))
        return response


@require_POST
def session_extend(request: HttpRequest) -> JsonResponse:
    """The "keep working" tap of the idle warning: the idle timeout starts again from now.

    A session that has already ended never gets here (the idle middleware sends the request to
    the login page), so the page's script reloads and the person logs in again; what they typed
    waits on the device.
    """
    if not request.user.is_authenticated:
        return JsonResponse({"expires_in": 0}, status=401)
    touch_session(request)
    return JsonResponse({"expires_in": idle_seconds_left(request)})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("You have logged out."))
    return redirect("login")


@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    if is_verified(request.user):
        return redirect(_next_url(request))
    if not has_confirmed_device(request.user):
        return redirect(f"{reverse('otp_setup')}?next={_next_url(request)}")
    form = OtpTokenForm(posted(request))
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"].replace(" ", "")
        device = django_otp.match_token(request.user, token)
        if device is not None:
            django_otp.login(request, device)
            log(request.user, actions.OTP_VERIFIED)
            return redirect(_next_url(request))
        log(request.user, actions.OTP_FAILED, outcome=Outcome.DENIED)
        form.add_error(
            "token", _("That code is not valid. Wait a few seconds and type the current one.")
        )
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next_url(request)})


def _qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


def _password_just_given(request: HttpRequest) -> bool:
    from django.conf import settings

    given = float(request.session.get(PASSWORD_LOGIN_AT, 0))
    return time.time() - given < settings.SUDO_MODE_SECONDS


@login_required
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator. Replacing one, or a first one in a session whose password
    was given long ago, needs sudo mode (password, and the current code if any): a stolen
    session must not be able to put the thief's phone in place of the owner's."""
    user: User = request.user  # type: ignore[assignment]
    first = not has_confirmed_device(user)
    if not sudo_active(request) and not (first and _password_just_given(request)):
        return _ask_for_sudo(request)
    device = None
    device_id = request.session.get(SETUP_DEVICE)
    if device_id:
        device = TOTPDevice.objects.filter(pk=device_id, user=user, confirmed=False).first()
    if device is None:
        device = services.totp_device_start(user=user)
        request.session[SETUP_DEVICE] = device.pk
    form = OtpTokenForm(posted(request))
    if request.method == "POST" and form.is_valid():
        codes = services.totp_device_confirm(
            user=user, device=device, token=form.cleaned_data["token"]
        )
        if codes is not None:
            del request.session[SETUP_DEVICE]
            django_otp.login(request, device)
            return render(
                request,
                "accounts/backup_codes.html",
                {"codes": codes, "next": _next_url(request)},
            )
        form.add_error(
            "token",
            _(
                "That code is not valid. Check the time on your phone, wait a few seconds "
                "and try again."
            ),
        )
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "form": form,
            "qr_svg": _qr_svg(device.config_url),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "next": _next_url(request),
        },
    )


def _ask_for_sudo(request: HttpRequest) -> HttpResponse:
    target = reverse("otp_setup") if request.method != "GET" else request.get_full_path()
    return redirect(f"{reverse('sudo')}?{urlencode({'next': target})}")


@sudo_required
@require_POST
def backup_codes(request: HttpRequest) -> HttpResponse:
    """New backup codes, shown once; the old ones stop working."""
    codes = services.backup_codes_regenerate(user=request.user)  # type: ignore[arg-type]
    return render(
        request,
        "accounts/backup_codes.html",
        {"codes": codes, "next": reverse("home"), "regenerated": True},
    )


@login_required
@sensitive_post_parameters("password")
def sudo(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    needs_code = has_confirmed_device(user)
    form = SudoForm(posted(request))
    if request.method == "POST" and not _attempt_allowed(request, user.email):
        form.add_error(None, _too_many_attempts())
    elif request.method == "POST" and form.is_valid():
        ok = authenticate(request, username=user.email, password=form.cleaned_data["password"])
        if ok is not None and needs_code:
            ok = django_otp.match_token(user, form.cleaned_data["token"].replace(" ", ""))
        if ok is not None:
            grant_sudo(request)
            log(user, actions.SUDO_GRANTED)
            return redirect(_next_url(request))
        log(user, actions.SUDO_GRANTED, outcome=Outcome.DENIED)
        form.add_error(None, _("Password or code not accepted."))
    return render(
        request,
        "accounts/sudo.html",
        {"form": form, "needs_code": needs_code, "next": _next_url(request)},
    )


@sudo_required
def tokens(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/tokens.html",
        {"tokens": policies.visible(request.user, ApiToken), "form": ApiTokenForm()},
    )


@sudo_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            issued = services.api_token_create(
                user=request.user,  # type: ignore[arg-type]
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                days=form.cleaned_data["days"],
            )
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            return render(request, "accounts/token_created.html", {"issued": issued})
    return render(
        request,
        "accounts/tokens.html",
        {"tokens": policies.visible(request.user, ApiToken), "form": form},
        status=400,
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, uuid: str) -> HttpResponse:
    token = policies.get_for_user(request.user, ApiToken, uuid)
    services.api_token_revoke(user=request.user, token=token)  # type: ignore[arg-type]
    messages.success(request, _("Token revoked."))
    return redirect("tokens")


@login_required
@require_POST
def switch_context(request: HttpRequest) -> HttpResponse:
    org_uuid = request.POST.get("organization", "")
    country = request.POST.get("country", "")
    if org_uuid and org_uuid != request.session.get(SESSION_ORG):
        request.session[SESSION_ORG] = org_uuid
        request.session.pop(SESSION_COUNTRY, None)
    elif country:
        request.session[SESSION_COUNTRY] = country
    return redirect(_next_url(request))


@perm_required(Perm.VIEW_MEMBERS)
def organizations(request: HttpRequest) -> HttpResponse:
    orgs = policies.visible(request.user, Organization).prefetch_related("countries")
    return render(request, "accounts/organizations.html", {"organizations": orgs})


@perm_required(Perm.VIEW_MEMBERS)
def organization_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    org = policies.get_for_user(request.user, Organization, uuid)
    members = (
        policies.visible(request.user, Membership)
        .filter(organization=org)
        .select_related("user")
        .prefetch_related("countries")
    )
    can_manage = policies.has_perm(request.user, Perm.MANAGE_MEMBERS, organization_id=org.pk)
    context: dict[str, Any] = {
        "organization": org,
        "members": members,
        "can_manage": can_manage,
        "sudo": sudo_active(request),
        "form": MembershipForm(organization=org, actor=request.user, initial=kept_form(request))
        if can_manage
        else None,
    }
    return render(request, "accounts/organization_detail.html", context)


@sudo_required
@require_POST
def membership_add(request: HttpRequest, uuid: str) -> HttpResponse:
    org = policies.get_for_user(request.user, Organization, uuid)
    form = MembershipForm(request.POST, organization=org, actor=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            _membership, temporary = services.member_invite(
                actor=request.user,  # type: ignore[arg-type]
                email=data["email"],
                full_name=data["full_name"],
                organization=org,
                role=Role(data["role"]),
                countries=list(data["countries"]),
                ends_on=data["ends_on"],
            )
        except (PermissionDenied, ValidationError) as exc:
            words = error_messages(exc) if isinstance(exc, ValidationError) else [str(exc)]
            messages.error(request, " ".join(words) or _("Not allowed."))
        else:
            messages.success(request, _("Membership added."))
            if temporary:
                messages.warning(
                    request,
                    _(
                        "New account. Temporary password, shown only now: %(password)s. "
                        "Give it in person; the first login asks for an authenticator."
                    )
                    % {"password": temporary},
                )
    else:
        # A refused choice (a country or role outside one's scope) is a denied attempt too.
        log(
            request.user,
            actions.MEMBERSHIP_ADDED,
            Membership,
            Outcome.DENIED,
            reason="invalid_form",
        )
        summary = " ".join(str(p) for p in problems(form))
        messages.error(request, _("Check the form: %(errors)s") % {"errors": summary})
    return redirect("organization_detail", uuid=org.uuid)


@sudo_required
@require_POST
def membership_end(request: HttpRequest, uuid: str) -> HttpResponse:
    membership = policies.get_for_user(request.user, Membership, uuid)
    try:
        services.membership_end(actor=request.user, membership=membership)  # type: ignore[arg-type]
    except PermissionDenied:
        messages.error(request, _("You cannot end memberships in this organisation."))
    else:
        messages.success(request, _("Membership ended."))
    return redirect("organization_detail", uuid=membership.organization.uuid)
