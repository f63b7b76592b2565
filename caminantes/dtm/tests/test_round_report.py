from __future__ import annotations

import io
import re
from datetime import date
from unittest import mock

from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from caminantes.audit.models import AuditEvent
from caminantes.dtm.models import Round
from caminantes.dtm.reports.builder import render_pdf, render_report
from caminantes.dtm.tests.outputs_world import OutputsTestCase
from caminantes.lib.charts import number


def pdf_text(pdf: bytes) -> str:
    text = " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\xa0", " "))


class RoundReportTest(OutputsTestCase):
    round2: Round

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # Round 2 covers exactly the hand-made period: 20 movements, 4 interviews.
        cls.round2 = Round.objects.create(
            operation=cls.operation,
            number=2,
            starts_on=date(2025, 3, 10),
            ends_on=date(2025, 3, 12),
        )

    def _pdf(self, language: str) -> str:
        report = render_report(user=self.andres, round_=self.round2, language=language,
                               for_pdf=True)  # fmt: skip
        return pdf_text(render_pdf(report))

    def test_it_prints_the_key_figures_in_the_spanish_pdf(self) -> None:
        text = self._pdf("es")
        self.assertIn("Monitoreo de flujo — ronda 2", text)
        self.assertIn("4 personas fueron encuestadas", text)
        with translation.override("es"):
            average, children = number(20 / 3, 1), number(25.0, 1)
        self.assertIn("contaron 20 movimientos de personas migrantes", text)
        self.assertIn("y, aparte, 0 movimientos pendulares", text)
        self.assertIn(f"{average} por día monitoreado", text)  # 20 / 3 monitored days
        self.assertIn(f"{children} %", text)  # children
        self.assertIn("-16,7 %", text)  # 20 / 3 per monitored day against 8 / 1
        self.assertIn("no es estadísticamente representativa", text)
        self.assertIn("Metodología", text)
        self.assertIn("Limitaciones", text)

    def test_it_prints_the_key_figures_in_the_english_pdf(self) -> None:
        text = self._pdf("en")
        self.assertIn("Flow monitoring report — round 2", text)
        self.assertIn("counted 20 movements of migrants and refugees", text)
        self.assertIn("6.7 per monitored day", text)
        self.assertIn("25.0 %", text)
        self.assertIn("-16.7 %", text)
        self.assertIn("4 people were interviewed", text)
        self.assertIn("not statistically representative", text)
        self.assertIn("Methodology", text)
        self.assertIn("Limitations", text)

    def test_it_serves_html_and_an_audited_pdf(self) -> None:
        self.login(self.andres)
        url = reverse("dtm_round_report", args=[self.round2.uuid])
        page = self.client.get(url + "?lang=en")
        self.assertContains(page, "Flow monitoring report — round 2")
        self.assertContains(page, "<svg")
        pdf = self.client.get(url + "?lang=es&format=pdf")
        self.assertEqual(pdf["Content-Type"], "application/pdf")
        self.assertIn("ronda 2", pdf_text(pdf.content))
        self.assertTrue(
            AuditEvent.objects.filter(action="export", object_uuid=self.round2.uuid).exists()
        )

    def test_it_answers_404_for_another_organisation(self) -> None:
        self.login(self.charlie)
        url = reverse("dtm_round_report", args=[self.round2.uuid])
        self.assertIn(self.client.get(url).status_code, (403, 404))

    def test_it_lists_the_round_with_a_link_per_language_on_the_reports_page(self) -> None:
        self.login(self.andres)
        response = self.client.get(reverse("dtm_reports", args=[self.operation.uuid]))
        self.assertEqual(response.status_code, 200)
        link = reverse("dtm_round_report", args=[self.round2.uuid])
        for code in ("es", "en", "pt"):
            self.assertContains(response, f'href="{link}?lang={code}"')
        # The language switcher of the page header still lists the interface languages.
        self.assertContains(response, '<option value="pt"')

    def test_it_reports_a_round_in_progress_up_to_yesterday(self) -> None:
        running = Round.objects.create(
            operation=self.operation, number=3, starts_on=date(2025, 3, 10),
            ends_on=date(2025, 3, 31),
        )  # fmt: skip
        # On 13 March the round has three days behind it: the average is over those, not 22.
        with mock.patch("caminantes.dtm.reports.builder.today",
                        return_value=date(2025, 3, 13)):  # fmt: skip
            html = render_report(user=self.andres, round_=running, language="en").html
        self.assertIn("Round in progress: the figures cover the days up to March 12, 2025", html)
        self.assertIn("6.7", html)  # 20 movements over 3 days
