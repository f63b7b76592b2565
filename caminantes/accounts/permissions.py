"""One permissions enum and the role -> permissions map. Nothing else grants a permission."""

from __future__ import annotations

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Perm(StrEnum):
    # Platform and organisation administration
    MANAGE_ORGANIZATIONS = "manage_organizations"
    VIEW_MEMBERS = "view_members"
    MANAGE_MEMBERS = "manage_members"
    MANAGE_PLACES = "manage_places"
    MANAGE_THRESHOLDS = "manage_thresholds"
    # Audit
    VIEW_AUDIT = "view_audit"
    VIEW_ALERTS = "view_alerts"
    # Registry (personal data)
    VIEW_PERSONAL_DATA = "view_personal_data"
    REGISTER_HOUSEHOLDS = "register_households"
    EDIT_HOUSEHOLDS = "edit_households"
    IMPORT_DATA = "import_data"
    APPROVE_IMPORTS = "approve_imports"
    EXPORT_PERSONAL_DATA = "export_personal_data"
    MANAGE_CONSENT = "manage_consent"
    HANDLE_DATA_REQUESTS = "handle_data_requests"
    REVIEW_DUPLICATES = "review_duplicates"
    FAMILY_TRACING = "family_tracing"
    # Lets one more person hold a document number someone already holds.
    CONFIRM_SHARED_DOCUMENTS = "confirm_shared_documents"
    # Shows a family's full phone number (audited), for staff who call families.
    REVEAL_PHONES = "reveal_phones"
    # Assistance
    DISTRIBUTE = "distribute"
    MANAGE_STOCK = "manage_stock"
    MANAGE_SHELTER = "manage_shelter"
    REFER = "refer"
    # Runs humanitarian transport: routes, trips, manifests, boarding.
    MANAGE_TRANSPORT = "manage_transport"
    # Configures a country's documentation and regularization schemes (their steps).
    MANAGE_SCHEMES = "manage_schemes"
    # Protection (restricted case files)
    GBV_CASES = "gbv_cases"
    TRAFFICKING_CASES = "trafficking_cases"
    OVERRIDE_CONSENT = "override_consent"
    # DTM
    DTM_COLLECT = "dtm_collect"
    DTM_ANALYSE = "dtm_analyse"
    DTM_MICRODATA = "dtm_microdata"
    # Field collection (ODK Collect / KoboCollect over OpenRosa)
    MANAGE_FORMS = "manage_forms"
    REVIEW_SUBMISSIONS = "review_submissions"
    # Coordination and reporting
    REPORT_5W = "report_5w"
    VALIDATE_5W = "validate_5w"
    EXPORT_AGGREGATES = "export_aggregates"
    MANAGE_CAMPAIGNS = "manage_campaigns"
    # Community feedback and complaints; the sensitive ones (sexual exploitation and abuse,
    # fraud, staff misconduct) only for designated focal points.
    HANDLE_FEEDBACK = "handle_feedback"
    SENSITIVE_FEEDBACK = "sensitive_feedback"
    # API
    USE_API = "use_api"


class Role(models.TextChoices):
    PLATFORM_ADMIN = "platform_admin", _("Platform administrator")
    COUNTRY_MANAGER = "country_manager", _("Country manager")
    REGISTRATION_OFFICER = "registration_officer", _("Registration officer")
    DISTRIBUTION_OFFICER = "distribution_officer", _("Distribution officer")
    SHELTER_OFFICER = "shelter_officer", _("Shelter officer")
    GBV_OFFICER = "gbv_officer", _("GBV officer")
    ANTI_TRAFFICKING_OFFICER = "anti_trafficking_officer", _("Anti-trafficking officer")
    DTM_ENUMERATOR = "dtm_enumerator", _("DTM enumerator")
    DTM_ANALYST = "dtm_analyst", _("DTM analyst")
    IM_OFFICER = "im_officer", _("Information management officer")
    PARTNER_FOCAL_POINT = "partner_focal_point", _("Partner focal point")
    PSEA_FOCAL_POINT = "psea_focal_point", _("PSEA and complaints focal point")
    AUDITOR = "auditor", _("Auditor (read-only)")


P = Perm
_CASEWORK = {P.VIEW_PERSONAL_DATA, P.USE_API}

ROLE_PERMISSIONS: dict[Role, frozenset[Perm]] = {
    # Runs the platform: organisations, people, places. Sees no beneficiary's personal data.
    Role.PLATFORM_ADMIN: frozenset(
        {
            P.MANAGE_ORGANIZATIONS,
            P.VIEW_MEMBERS,
            P.MANAGE_MEMBERS,
            P.MANAGE_PLACES,
            P.VIEW_AUDIT,
            P.VIEW_ALERTS,
            P.USE_API,
        }
    ),
    Role.COUNTRY_MANAGER: frozenset(
        _CASEWORK
        | {
            P.VIEW_MEMBERS,
            P.MANAGE_MEMBERS,
            P.MANAGE_THRESHOLDS,
            P.MANAGE_SCHEMES,
            P.VIEW_ALERTS,
            P.IMPORT_DATA,
            P.APPROVE_IMPORTS,
            P.EXPORT_PERSONAL_DATA,
            P.HANDLE_DATA_REQUESTS,
            P.REVIEW_DUPLICATES,
            P.CONFIRM_SHARED_DOCUMENTS,
            P.REVEAL_PHONES,
            P.DTM_ANALYSE,
            P.REPORT_5W,
            P.VALIDATE_5W,
            P.EXPORT_AGGREGATES,
            P.MANAGE_FORMS,
            P.REVIEW_SUBMISSIONS,
            P.MANAGE_CAMPAIGNS,
            P.HANDLE_FEEDBACK,
        }
    ),
    Role.REGISTRATION_OFFICER: frozenset(
        _CASEWORK
        | {
            P.REGISTER_HOUSEHOLDS,
            P.EDIT_HOUSEHOLDS,
            P.IMPORT_DATA,
            P.MANAGE_CONSENT,
            P.REVIEW_DUPLICATES,
            P.FAMILY_TRACING,
            P.REFER,
            P.REVEAL_PHONES,
            P.REVIEW_SUBMISSIONS,
            P.HANDLE_FEEDBACK,
        }
    ),
    Role.DISTRIBUTION_OFFICER: frozenset(
        _CASEWORK
        | {P.DISTRIBUTE, P.MANAGE_STOCK, P.MANAGE_TRANSPORT, P.REVEAL_PHONES, P.HANDLE_FEEDBACK}
    ),
    # Field staff of the transit centres run the buses as well.
    Role.SHELTER_OFFICER: frozenset(
        _CASEWORK | {P.MANAGE_SHELTER, P.MANAGE_TRANSPORT, P.REVEAL_PHONES}
    ),
    Role.GBV_OFFICER: frozenset(_CASEWORK | {P.GBV_CASES, P.REFER, P.MANAGE_CONSENT}),
    Role.ANTI_TRAFFICKING_OFFICER: frozenset(
        _CASEWORK | {P.TRAFFICKING_CASES, P.REFER, P.MANAGE_CONSENT}
    ),
    # Collects counts and surveys; aggregates only, no personal data.
    Role.DTM_ENUMERATOR: frozenset({P.DTM_COLLECT, P.USE_API}),
    Role.DTM_ANALYST: frozenset(
        {
            P.DTM_COLLECT,
            P.DTM_ANALYSE,
            P.DTM_MICRODATA,
            P.EXPORT_AGGREGATES,
            P.USE_API,
            P.MANAGE_FORMS,
            P.REVIEW_SUBMISSIONS,
        }
    ),
    Role.IM_OFFICER: frozenset(
        {P.DTM_ANALYSE, P.REPORT_5W, P.VALIDATE_5W, P.EXPORT_AGGREGATES, P.IMPORT_DATA}
        | {P.USE_API, P.VIEW_PERSONAL_DATA, P.REVIEW_DUPLICATES, P.MANAGE_FORMS}
        | {P.REVIEW_SUBMISSIONS, P.MANAGE_CAMPAIGNS, P.HANDLE_FEEDBACK}
    ),
    # A partner organisation may also ask to trace a relative for someone it assists.
    Role.PARTNER_FOCAL_POINT: frozenset(
        _CASEWORK
        | {P.REPORT_5W, P.REFER, P.VIEW_MEMBERS, P.FAMILY_TRACING}
        | {P.MANAGE_CAMPAIGNS, P.HANDLE_FEEDBACK}
    ),
    # Receives the sensitive complaints (sexual exploitation and abuse, fraud, staff
    # misconduct) of the organisation and countries of the membership, and nobody else does.
    Role.PSEA_FOCAL_POINT: frozenset({P.HANDLE_FEEDBACK, P.SENSITIVE_FEEDBACK, P.USE_API}),
    # Reads the audit trail of its organisation; changes nothing.
    Role.AUDITOR: frozenset({P.VIEW_AUDIT, P.VIEW_ALERTS, P.VIEW_MEMBERS, P.USE_API}),
}

# Roles whose holders see personal data (of beneficiaries or of staff in the audit trail)
# must log in with a second factor. Only the enumerator, who handles aggregates, is spared.
TWO_FACTOR_EXEMPT_ROLES: frozenset[Role] = frozenset({Role.DTM_ENUMERATOR})

# Roles whose scope is the whole platform rather than their own organisation.
PLATFORM_ROLES: frozenset[Role] = frozenset({Role.PLATFORM_ADMIN})


def permissions_for(role: str) -> frozenset[Perm]:
    try:
        return ROLE_PERMISSIONS[Role(role)]
    except ValueError:
        return frozenset()
