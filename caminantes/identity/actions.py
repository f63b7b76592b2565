"""Identity's audit actions; their labels join the audit page's list in AppConfig.ready()."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

MERGE = "identity_merge"
MERGE_UNDONE = "identity_merge_undone"
NOT_SAME = "identity_not_same"
NOT_SAME_UNDONE = "identity_not_same_undone"
DEDUPE_RUN = "identity_dedupe_run"
TRACING_SEARCH = "identity_tracing_search"
TRACING_MATCH_FOUND = "identity_tracing_match_found"
TRACING_MATCH_DECIDED = "identity_tracing_match_decided"
REUNIFICATION_STEP = "identity_reunification_step"
NOTIFICATIONS_READ = "identity_notifications_read"
TRACING_MATCH_CLOSED = "identity_tracing_match_closed"
TRACING_REQUEST_CLOSED = "identity_tracing_request_closed"

LABELS = {
    MERGE: _("Records merged as the same person"),
    MERGE_UNDONE: _("Merge undone"),
    NOT_SAME: _("Records marked as different people"),
    NOT_SAME_UNDONE: _("'Not the same person' undone"),
    DEDUPE_RUN: _("Deduplication run"),
    TRACING_SEARCH: _("Searched across organisations for a relative"),
    TRACING_MATCH_FOUND: _("Possible relative found"),
    TRACING_MATCH_DECIDED: _("Tracing match confirmed or rejected"),
    REUNIFICATION_STEP: _("Reunification step recorded"),
    NOTIFICATIONS_READ: _("Tracing notices marked as read"),
    TRACING_MATCH_CLOSED: _("Tracing match closed: consent withdrawn"),
    TRACING_REQUEST_CLOSED: _("Tracing request closed: consent withdrawn"),
}
