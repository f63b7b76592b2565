"""Connects the audit trail to Django's and axes' login signals."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from caminantes.audit import actions
from caminantes.audit.log import log
from caminantes.audit.models import Outcome


def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    log(user, actions.LOGIN)


def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        log(user, actions.LOGOUT)


def _account_organization(email: str) -> Any:
    """The organisation of the account an e-mail names (its first active membership), whose
    auditors should see the attempts on it; None for an unknown e-mail."""
    user = get_user_model()._default_manager.filter(email__iexact=email).first()
    if user is None:
        return None
    membership = user.active_memberships().select_related("organization").order_by("pk").first()
    return membership.organization if membership is not None else None


def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kw: Any) -> None:
    # The e-mail typed is kept (it names the account under attack); the password never is.
    email = str(credentials.get("username", ""))[:254]
    log(
        None,
        actions.LOGIN_FAILED,
        outcome=Outcome.DENIED,
        object_organization=_account_organization(email),
        actor_email=email,
    )


def _locked_out(sender: Any, request: Any, username: str | None = None, **kw: Any) -> None:
    email = (username or "")[:254]
    log(
        None,
        actions.LOCKED_OUT,
        outcome=Outcome.DENIED,
        object_organization=_account_organization(email),
        actor_email=email,
    )


def connect() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="audit_logged_in")
    user_logged_out.connect(_logged_out, dispatch_uid="audit_logged_out")
    user_login_failed.connect(_login_failed, dispatch_uid="audit_login_failed")
    user_locked_out.connect(_locked_out, dispatch_uid="audit_locked_out")
