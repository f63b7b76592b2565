"""The registry of audit actions, with their labels for the audit page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

LOGIN = "login"
LOGIN_FAILED = "login_failed"
LOCKED_OUT = "locked_out"
LOGOUT = "logout"
OTP_VERIFIED = "otp_verified"
OTP_FAILED = "otp_failed"
OTP_DEVICE_ADDED = "otp_device_added"
SUDO_GRANTED = "sudo_granted"
CREATE = "create"
UPDATE = "update"
DELETE = "delete"
VIEW = "view"
READ_PERSONAL = "read_personal"
READ_RESTRICTED = "read_restricted"
ACCESS_DENIED = "access_denied"
EXPORT = "export"
IMPORT = "import"
TOKEN_CREATED = "token_created"  # noqa: S105 - an action name
TOKEN_REVOKED = "token_revoked"  # noqa: S105 - an action name
MEMBERSHIP_ADDED = "membership_added"
MEMBERSHIP_ENDED = "membership_ended"
CONTEXT_SWITCHED = "context_switched"
ALERT_RAISED = "alert_raised"
ALERT_ACKNOWLEDGED = "alert_acknowledged"
AUDIT_VIEWED = "audit_viewed"
# Protection case files (their events are shown only on the case, see models.HIDDEN_...).
PROTECTION_REVEAL = "protection_reveal"
PROTECTION_PRINT = "protection_print"
PROTECTION_EXPORT = "protection_export"
# The aggregate (suppressed) protection report, shown or exported: no case, but like every
# protection event about an object of type "protection.*", off the general trail.
PROTECTION_REPORT = "protection_report"
PROTECTION_REPORT_EXPORT = "protection_report_export"
# Actions only ever about hidden objects (models.HIDDEN_OBJECT_TYPE_PREFIXES): the trail's
# filter does not offer them.
HIDDEN_ACTIONS = frozenset(
    {
        PROTECTION_REVEAL,
        PROTECTION_PRINT,
        PROTECTION_EXPORT,
        PROTECTION_REPORT,
        PROTECTION_REPORT_EXPORT,
    }
)

LABELS = {
    LOGIN: _("Logged in"),
    LOGIN_FAILED: _("Failed login"),
    LOCKED_OUT: _("Locked out"),
    LOGOUT: _("Logged out"),
    OTP_VERIFIED: _("Second factor verified"),
    OTP_FAILED: _("Wrong second-factor code"),
    OTP_DEVICE_ADDED: _("Authenticator added"),
    SUDO_GRANTED: _("Password confirmed for a sensitive page"),
    CREATE: _("Created"),
    UPDATE: _("Changed"),
    DELETE: _("Deleted"),
    VIEW: _("Viewed"),
    READ_PERSONAL: _("Read personal data"),
    READ_RESTRICTED: _("Read a restricted record"),
    ACCESS_DENIED: _("Access denied"),
    EXPORT: _("Exported"),
    IMPORT: _("Imported"),
    TOKEN_CREATED: _("API token created"),
    TOKEN_REVOKED: _("API token revoked"),
    MEMBERSHIP_ADDED: _("Membership added"),
    MEMBERSHIP_ENDED: _("Membership ended"),
    CONTEXT_SWITCHED: _("Switched organisation or country"),
    ALERT_RAISED: _("Alert raised"),
    ALERT_ACKNOWLEDGED: _("Alert acknowledged"),
    AUDIT_VIEWED: _("Audit trail consulted"),
    PROTECTION_REVEAL: _("Survivor's name revealed"),
    PROTECTION_PRINT: _("Case printed"),
    PROTECTION_EXPORT: _("Case exported"),
    PROTECTION_REPORT: _("Protection aggregate report viewed"),
    PROTECTION_REPORT_EXPORT: _("Protection aggregate report exported"),
}


def label(action: str) -> str:
    return str(LABELS.get(action, action))
