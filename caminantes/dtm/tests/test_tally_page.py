from __future__ import annotations

from django.urls import reverse

from caminantes.dtm.models import FlowCount, FlowDaily
from caminantes.dtm.tests.base import DtmTestCase, sheet


class TallyPageTest(DtmTestCase):
    def url(self) -> str:
        return reverse("dtm_tally", args=[self.point.uuid])

    def test_it_shows_big_counters_and_a_fresh_submission_id(self) -> None:
        self.login(self.eve)
        response = self.client.get(self.url())
        self.assertContains(response, 'name="female_18_59"')
        self.assertContains(response, 'value="female_18_59:+1"')
        self.assertContains(response, 'name="uuid"')
        self.assertContains(response, "dtm/tally.js")
        self.assertContains(response, 'name="viewport"')

    def test_it_saves_a_shift_once_even_when_sent_twice(self) -> None:
        self.login(self.eve)
        data = sheet()
        first = self.client.post(self.url(), data, follow=True)
        self.assertContains(first, "10")
        second = self.client.post(self.url(), data, follow=True)
        self.assertContains(second, "nada se contó dos veces")
        self.assertEqual(FlowCount.objects.count(), 1)
        self.assertEqual(FlowDaily.objects.get().individuals, 10)

    def test_it_shows_the_errors_of_a_bad_sheet_in_spanish(self) -> None:
        self.login(self.eve)
        response = self.client.post(self.url(), sheet(shift_end="07:00", nationality_VE=1))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "El turno debe terminar después de empezar.")
        self.assertContains(response, "suman 3")
        self.assertEqual(FlowCount.objects.count(), 0)

    def test_it_adds_one_without_javascript(self) -> None:
        self.login(self.eve)
        data = sheet(step="female_18_59:+1")
        response = self.client.post(self.url(), data)
        self.assertContains(response, 'id="c-female_18_59" name="female_18_59" type="number" '
                                      'min="0" inputmode="numeric" value="4"')  # fmt: skip
        self.assertEqual(FlowCount.objects.count(), 0)

    def test_it_hides_another_organisations_point(self) -> None:
        self.login(self.eve)
        response = self.client.get(reverse("dtm_tally", args=[self.ffs_point.uuid]))
        self.assertEqual(response.status_code, 404)

    def test_it_refuses_people_without_dtm_roles(self) -> None:
        self.login(self.alice)
        self.assertEqual(self.client.get(self.url()).status_code, 403)

    def test_it_lets_the_enumerator_void_her_sheet(self) -> None:
        self.login(self.eve)
        self.client.post(self.url(), sheet())
        count = FlowCount.objects.get()
        self.client.post(reverse("dtm_count_void", args=[count.uuid]), {"confirm": "1"})
        count.refresh_from_db()
        self.assertIsNotNone(count.voided_at)
        self.assertFalse(FlowDaily.objects.exists())


class ReferencePagesTest(DtmTestCase):
    def test_it_lets_an_analyst_add_a_point_on_a_seeded_crossing(self) -> None:
        self.login(self.andres)
        url = reverse("dtm_point_new", args=[self.operation.uuid])
        response = self.client.post(url, {
            "place": self.place.pk, "name": "Puente Simón Bolívar (salida)", "code": "sb-out",
            "country": self.co.pk, "latitude": "7.82", "longitude": "-72.45",
            "point_type": "border_crossing", "movement_types": ["entry", "exit"],
            "transport_modes": ["on_foot", "bus"], "services": ["water", "health"],
            "is_active": "on",
        })  # fmt: skip
        self.assertEqual(response.status_code, 302, getattr(response, "context", None)
                         and response.context["form"].errors)  # fmt: skip
        point = self.operation.points.get(code="sb-out")
        self.assertEqual(point.organization, self.iom)
        self.assertEqual(point.admin_area, self.nsa)
        self.assertEqual(point.transport_modes, ["on_foot", "bus"])
        page = self.client.get(reverse("dtm_point", args=[point.uuid]))
        self.assertContains(page, "Agua potable")

    def test_it_lets_an_analyst_open_rounds_and_operations(self) -> None:
        self.login(self.andres)
        response = self.client.post(reverse("dtm_round_new", args=[self.operation.uuid]),
                                    {"number": 2, "starts_on": "2025-04-01",
                                     "ends_on": "2025-04-30"})  # fmt: skip
        self.assertEqual(response.status_code, 302)
        page = self.client.get(reverse("dtm_operation", args=[self.operation.uuid]))
        self.assertContains(page, "Ronda 2")
        self.assertContains(page, "Simón Bolívar")

    def test_it_refuses_a_round_that_ends_before_it_starts(self) -> None:
        self.login(self.andres)
        response = self.client.post(reverse("dtm_round_new", args=[self.operation.uuid]),
                                    {"number": 2, "starts_on": "2025-04-30",
                                     "ends_on": "2025-04-01"})  # fmt: skip
        self.assertEqual(response.status_code, 200)

    def test_it_does_not_let_an_enumerator_change_reference_data(self) -> None:
        self.login(self.eve)
        response = self.client.get(reverse("dtm_point_new", args=[self.operation.uuid]))
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.client.get(reverse("dtm_home")).status_code, 200)
