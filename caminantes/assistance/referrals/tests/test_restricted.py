"""Protection referrals go through registry.hooks and keep nothing here."""

from __future__ import annotations

from typing import Any

from django.test import override_settings
from django.utils import translation
from django.utils.module_loading import import_string

from caminantes.assistance.errors import Refused
from caminantes.assistance.referrals import selectors, services
from caminantes.assistance.referrals.models import Notice, Referral, Status
from caminantes.assistance.referrals.tests.base import ReferralTestCase
from caminantes.registry import hooks
from caminantes.registry.models import TimelineEntry

RECEIVED: list[dict[str, Any]] = []
DOUBLE = "caminantes.assistance.referrals.tests.test_restricted.protection_double"
REFUSER = "caminantes.assistance.referrals.tests.test_restricted.protection_refuses"


def protection_double(**kwargs: Any) -> None:
    """Stands in for caminantes.protection.referrals.receive (not on this branch)."""
    RECEIVED.append(kwargs)


def protection_refuses(**kwargs: Any) -> None:
    raise RuntimeError("protection is down")


class RestrictedTests(ReferralTestCase):
    def setUp(self) -> None:
        RECEIVED.clear()
        self.receivers = hooks.RESTRICTED_REFERRAL_RECEIVERS
        hooks.RESTRICTED_REFERRAL_RECEIVERS = [DOUBLE]
        hooks._load.cache_clear()

    def tearDown(self) -> None:
        hooks.RESTRICTED_REFERRAL_RECEIVERS = self.receivers
        hooks._load.cache_clear()

    def test_it_hands_the_fields_to_protection_and_keeps_none(self) -> None:
        referral = self.refer(self.gbv, urgent=True)
        self.assertEqual(len(RECEIVED), 1)
        call = RECEIVED[0]
        self.assertEqual(call["referral_uuid"], referral.uuid)
        self.assertEqual((call["organization"], call["country"], call["service_type"]),
                         (self.ffs, self.co, "gbv"))  # fmt: skip
        self.assertEqual((call["person"], call["sender"], call["urgent"]),
                         (self.ana, self.alice, True))  # fmt: skip
        self.assertIn("Ana Pérez", call["fields"].values())
        stored = Referral.objects.get(pk=referral.pk)
        self.assertTrue(stored.restricted)
        self.assertEqual((stored.household, stored.person, stored.fields_encrypted,
                          stored.field_keys), (None, None, "", []))  # fmt: skip
        self.assertFalse(TimelineEntry.objects.filter(ref_uuid=referral.uuid).exists())
        self.assertFalse(TimelineEntry.objects.filter(summary__icontains="VBG").exists())
        self.assertEqual(selectors.snapshot(user=self.alice, referral=stored), [])

    def test_it_is_refused_when_protection_refuses_it(self) -> None:
        hooks.RESTRICTED_REFERRAL_RECEIVERS = [REFUSER]
        hooks._load.cache_clear()
        with self.assertRaises(RuntimeError):
            self.refer(self.gbv)
        self.assertFalse(Referral.objects.exists())

    def test_it_is_refused_in_words_where_protection_is_not_installed(self) -> None:
        hooks.RESTRICTED_REFERRAL_RECEIVERS = ["caminantes.no_such_module.receive"]
        hooks._load.cache_clear()
        with self.assertRaises(Refused) as caught:
            self.refer(self.gbv)
        self.assertEqual(caught.exception.refusal_code, "restricted_unavailable")
        self.assertFalse(Referral.objects.exists())

    def test_it_asks_for_consent_before_protection_hears_of_it(self) -> None:
        with self.assertRaises(Refused):
            self.refer(self.gbv, person=self.jorge)
        self.assertEqual(RECEIVED, [])

    def test_the_receiving_assistance_staff_never_see_it(self) -> None:
        referral = self.refer(self.gbv)
        self.assertFalse(selectors.inbox(user=self.charlie).exists())
        self.assertFalse(Notice.objects.filter(user=self.charlie).exists())
        client = self.login(self.charlie)
        self.assertEqual(client.get(f"/assistance/referrals/{referral.uuid}/").status_code, 404)
        # Nor the sender's colleagues: only the caseworker who sent it.
        colleague = self.login(self.bob)
        self.assertEqual(colleague.get(f"/assistance/referrals/{referral.uuid}/").status_code, 404)

    def test_it_cannot_be_moved_on_here(self) -> None:
        referral = self.refer(self.gbv)
        with self.assertRaises(Refused) as caught:
            services.referral_set_status(actor=self.alice, referral=referral,
                                         status=Status.CLOSED)  # fmt: skip
        self.assertEqual(caught.exception.refusal_code, "restricted")

    def test_the_sender_learns_accepted_or_declined_and_nothing_else(self) -> None:
        accepted, declined = self.refer(self.gbv), self.refer(self.gbv)
        answered = import_string(hooks.RESTRICTED_REFERRAL_ANSWERED[0])
        answered(referral_uuid=accepted.uuid, accepted=True, actor=self.bob)
        answered(referral_uuid=declined.uuid, accepted=False, actor=self.bob)
        answered(referral_uuid=declined.uuid, accepted=False, actor=self.bob)  # again: no-op
        accepted.refresh_from_db()
        declined.refresh_from_db()
        self.assertEqual((accepted.status, declined.status), (Status.ACCEPTED, Status.DECLINED))
        with translation.override("en"):
            texts = sorted(n.text for n in Notice.objects.filter(user=self.alice))
        self.assertEqual(
            texts,
            [
                f"Respuesta VBG FFS accepted your referral {accepted.code}.",
                f"Respuesta VBG FFS declined your referral {declined.code}.",
            ],
        )
        page = self.login(self.alice).get(f"/assistance/referrals/{declined.uuid}/")
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, "Ana")


@override_settings(LANGUAGE_CODE="en")
class HookPathTests(ReferralTestCase):
    def test_the_answer_path_named_in_the_registry_is_this_function(self) -> None:
        self.assertIs(import_string(hooks.RESTRICTED_REFERRAL_ANSWERED[0]),
                      services.restricted_answered)  # fmt: skip
