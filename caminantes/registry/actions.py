"""The registry's own audit actions; their labels join the audit page's list in
RegistryConfig.ready()."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

PHONE_REVEALED = "registry_phone_revealed"
SHARED_DOCUMENT_CONFIRMED = "registry_shared_document_confirmed"
SHARED_DOCUMENT_USED = "registry_shared_document_used"

LABELS = {
    PHONE_REVEALED: _("Full phone number shown"),
    SHARED_DOCUMENT_CONFIRMED: _("Document number confirmed as shared"),
    SHARED_DOCUMENT_USED: _("Shared document number recorded"),
}
