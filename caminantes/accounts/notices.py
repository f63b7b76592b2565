"""Notices to a user about their own account, by e-mail (the console in DEBUG).

Sent after the change is committed, in the user's language. A failure to send is logged,
never raised: the change itself is done and audited.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _

logger = logging.getLogger("caminantes.accounts")

AUTHENTICATOR = "authenticator"
BACKUP_CODES = "backup_codes"


def second_factor_changed(user: Any, what: str) -> None:
    with translation.override(user.language or settings.LANGUAGE_CODE):
        when = timezone.localtime().strftime("%Y-%m-%d %H:%M")
        if what == AUTHENTICATOR:
            subject = _("Caminantes: a new authenticator app on your account")
            change = _("A new authenticator app was set up on your account on %(when)s.")
        else:
            subject = _("Caminantes: new backup codes on your account")
            change = _("New backup codes were made for your account on %(when)s.")
        body = "\n\n".join(
            [
                change % {"when": when},
                _("If it was you, there is nothing to do."),
                _(
                    "If it was not you, someone has your password and an open session: "
                    "tell your organisation's country manager or the platform administrator "
                    "at once, so the account can be stopped."
                ),
            ]
        )
    try:
        send_mail(subject, body, None, [user.email])
    except OSError:  # SMTP errors too: an unreachable server must not undo the change
        logger.exception("Could not send the second-factor notice to user %s", user.pk)
