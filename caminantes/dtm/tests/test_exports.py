from __future__ import annotations

import csv
import io
import random
from collections import Counter
from datetime import date, timedelta
from typing import Any

import hxl
from django.urls import reverse
from openpyxl import load_workbook

from caminantes.audit.models import AuditEvent
from caminantes.dtm.choices import WG_DOMAINS
from caminantes.dtm.exports.microdata import GROUP, QUASI
from caminantes.dtm.hxl import FLOW_AGGREGATES_SCHEMA
from caminantes.dtm.intake import submit_survey
from caminantes.dtm.models import SurveySubmission
from caminantes.dtm.tests.outputs_world import OutputsTestCase, survey

QUERY = "?start=2025-03-01&end=2025-03-31"
FREE_TEXT_MARKERS = ("free text that must never leave", "Texto libre", "HYPERLINK")


def csv_of(response: Any) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def hxl_errors(rows: list[list[str]]) -> list[str]:
    errors: list[str] = []
    schema = hxl.schema(
        hxl.data(str(FLOW_AGGREGATES_SCHEMA), hxl.InputOptions(allow_local=True)),
        callback=lambda e: errors.append(f"{e.message} {e.value}"),
    )
    valid = schema.validate(hxl.data(rows))
    return errors if not valid else []


class AggregateExportTest(OutputsTestCase):
    def test_it_exports_hxl_that_validates_against_the_shipped_schema(self) -> None:
        self.login(self.andres)
        url = reverse("dtm_export_flows", args=[self.operation.uuid])
        rows = csv_of(self.client.get(url + QUERY + "&file_format=hxl"))
        tags = rows[1]
        self.assertEqual(tags[0], "#country+code")
        self.assertEqual(hxl_errors(rows), [])
        at = {tag: i for i, tag in enumerate(tags)}
        data = {(r[at["#loc+code"]], r[at["#date+month"]], r[at["#x_flow_type"]]): r
                for r in rows[2:]}  # fmt: skip
        # Simón Bolívar, March: 10 staying (incoming); in transit 4 out + 8 + 10 in = 22.
        # Paraguachón: 6 in transit. Peru is not his.
        self.assertEqual(set(data), {("simon-bolivar", "2025-03", "stay"),
                                     ("simon-bolivar", "2025-03", "transit"),
                                     ("paraguachon", "2025-03", "transit")})  # fmt: skip
        stay = data[("simon-bolivar", "2025-03", "stay")]
        transit = data[("simon-bolivar", "2025-03", "transit")]
        self.assertEqual(stay[at["#country+code"]], "COL")  # ISO alpha-3 for HDX
        self.assertEqual(stay[at["#adm1+code+iso"]], "CO-NSA")
        self.assertEqual(stay[at["#date+round"]], "1")
        counts = ("#affected+total", "#affected+incoming", "#affected+outgoing")
        self.assertEqual([stay[at[t]] for t in counts], ["10", "10", "0"])
        self.assertEqual([transit[at[t]] for t in counts], ["22", "18", "4"])
        self.assertEqual((stay[at["#affected+nat_ven"]], stay[at["#affected+nat_col"]]),
                         ("8", "2"))  # fmt: skip
        self.assertEqual(transit[at["#affected+nat_ven"]], "22")
        self.assertEqual(transit[at["#affected+f+age18_59"]], "11")
        paraguachon = data[("paraguachon", "2025-03", "transit")]
        self.assertEqual(paraguachon[at["#affected+children"]], "2")
        self.assertEqual(paraguachon[at["#affected+f+age0_5"]], "2")
        event = AuditEvent.objects.filter(action="export", object_type="dtm.flowdaily").get()
        self.assertEqual(event.context["rows"], 3)

    def test_the_schema_refuses_a_flow_type_it_does_not_know(self) -> None:
        self.login(self.andres)
        url = reverse("dtm_export_flows", args=[self.operation.uuid])
        rows = csv_of(self.client.get(url + QUERY + "&file_format=hxl"))
        rows[2][rows[1].index("#x_flow_type")] = "commuter"
        self.assertTrue(hxl_errors(rows))

    def test_it_exports_one_flow_type_when_filtered(self) -> None:
        self.login(self.andres)
        url = reverse("dtm_export_flows", args=[self.operation.uuid])
        rows = csv_of(self.client.get(url + QUERY + "&file_format=hxl&flow_type=stay"))
        at = {tag: i for i, tag in enumerate(rows[1])}
        self.assertEqual([(r[at["#loc+code"]], r[at["#x_flow_type"]], r[at["#affected+total"]])
                          for r in rows[2:]], [("simon-bolivar", "stay", "10")])  # fmt: skip

    def test_it_exports_the_country_totals_of_a_regional_operation(self) -> None:
        self.login(self.andres)
        url = reverse("dtm_export_flows", args=[self.operation.uuid])
        rows = csv_of(self.client.get(url + QUERY + "&file_format=hxl&level=country"))
        self.assertEqual(hxl_errors(rows), [])
        at = {tag: i for i, tag in enumerate(rows[1])}
        self.assertNotIn("#loc+code", at)
        totals: dict[str, int] = {}
        for r in rows[2:]:
            code = r[at["#country+code"]]
            totals[code] = totals.get(code, 0) + int(r[at["#affected+total"]])
        self.assertEqual(totals, {"COL": 38})  # his countries only: not Peru's 100

    def test_the_schema_catches_a_broken_file(self) -> None:
        rows = [
            ["Country", "Point code", "Month", "Individuals"],
            ["#country+code", "#loc+code", "#date+month", "#affected+total"],
            ["Colombia", "simon-bolivar", "March", "-3"],
        ]
        self.assertTrue(hxl_errors(rows))

    def test_it_exports_csv_and_xlsx(self) -> None:
        self.login(self.andres)
        url = reverse("dtm_export_flows", args=[self.operation.uuid])
        rows = csv_of(self.client.get(url + QUERY + "&file_format=csv"))
        self.assertEqual(len(rows), 4)
        response: Any = self.client.get(url + QUERY + "&file_format=xlsx")
        book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        self.assertEqual(book["flows"].max_row, 5)  # header, hashtags, three rows
        self.assertIn("notes", book.sheetnames)

    def test_it_refuses_an_enumerator(self) -> None:
        self.login(self.eve)
        url = reverse("dtm_export_flows", args=[self.operation.uuid])
        self.assertEqual(self.client.get(url + QUERY).status_code, 403)


class MicrodataExportTest(OutputsTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        rng = random.Random(5)
        for _i in range(60):
            day = date(2025, 3, 1) + timedelta(days=rng.randint(0, 27))
            data = survey(
                rng.choice([cls.point.code, cls.point_b.code]), day.isoformat(),
                rng.choice(["female", "male"]), age=rng.randint(18, 70),
                nationality=rng.choice(["VE"] * 8 + ["CO", "EC"]),
                reasons_leaving=["economic"], needs=[rng.choice(["food", "health"])],
            )  # fmt: skip
            submit_survey(data, user=cls.eve, operation=cls.operation)

    def _download(self, file_format: str) -> Any:
        self.login(self.andres, sudo=True)
        url = reverse("dtm_export_microdata", args=[self.operation.uuid])
        return self.client.get(url + QUERY + f"&file_format={file_format}")

    def test_it_reaches_k_5_and_drops_free_text(self) -> None:
        response = self._download("csv")
        self.assertEqual(response.status_code, 200)
        k = int(response["X-Caminantes-K-Anonymity"])
        self.assertGreaterEqual(k, 5)
        rows = csv_of(response)
        header, data = rows[0], rows[1:]
        self.assertTrue(data)
        for column in SurveySubmission.FREE_TEXT:
            self.assertNotIn(column, header)
        body = "\n".join(",".join(r) for r in rows)
        for marker in FREE_TEXT_MARKERS:
            self.assertNotIn(marker, body)
        positions = [header.index(c) for c in QUASI]
        combos = Counter(tuple(r[i] for i in positions) for r in data)
        self.assertGreaterEqual(min(combos.values()), 5)
        self.assertEqual(min(combos.values()), k)
        self.assertNotIn("30", {r[header.index("age")] for r in data})  # ages are bands

    def test_the_xlsx_states_the_k_it_reached(self) -> None:
        response = self._download("xlsx")
        book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        notes = {row[0]: row[1] for row in book["notes"].iter_rows(values_only=True)}
        k = int(response["X-Caminantes-K-Anonymity"])
        self.assertIn(f"k = {k}", next(v for v in notes.values() if "k =" in str(v)))
        event = AuditEvent.objects.filter(action="export", object_type="dtm.surveysubmission")
        self.assertEqual(event.get().context["k"], k)

    def test_it_is_only_for_microdata_analysts(self) -> None:
        self.login(self.carla, sudo=True)  # country manager: analyses, no microdata
        url = reverse("dtm_export_microdata", args=[self.operation.uuid])
        self.assertEqual(self.client.get(url + QUERY).status_code, 403)


class MicrodataVulnerabilityTest(OutputsTestCase):
    """The vulnerability columns of issue 16 §5 in the microdata export: the travel group by
    sex x age as quasi-identifiers (coarsened, never raw counts), health and status answers
    l-diverse (withheld where a combination would tell them), journey answers as they are."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        rng = random.Random(16)
        wg = ["no_difficulty"] * 6 + ["some", "a_lot", "cannot"]
        for i in range(80):
            sex = rng.choice(["female", "male"])
            adult = f"group_{sex}_18_59"
            group = {adult: 1, "group_female_0_5": rng.choice([0, 0, 1, 2]),
                     "group_male_6_17": rng.choice([0, 1, 3])}  # fmt: skip
            intention = rng.choice(["stay", "return", "move_on", "dont_know"])
            data = survey(
                cls.point_b.code if i % 4 == 0 else cls.point.code,
                (date(2025, 3, 1) + timedelta(days=rng.randint(0, 27))).isoformat(), sex,
                age=rng.randint(18, 70), group_size=sum(group.values()),
                children_in_group=sum(group.values()) - 1, **group,
                # everyone at the second point is irregular: no combination there may tell it
                legal_status="irregular" if i % 4 == 0 else rng.choice(["ppt_pep", "irregular",
                                                                        "asylum_seeker"]),
                pregnant=rng.choice(["yes", "no"]) if sex == "female" else "",
                slept_last_night=rng.choice(["street", "shelter", "rented"]),
                intention=intention, intention_country="PE" if intention == "move_on" else "",
                **{name: rng.choice(wg) for name, _d in WG_DOMAINS},
            )  # fmt: skip
            submit_survey(data, user=cls.eve, operation=cls.operation)

    def test_the_new_columns_go_out_with_their_disclosure_treatment(self) -> None:
        self.login(self.andres, sudo=True)
        url = reverse("dtm_export_microdata", args=[self.operation.uuid])
        response = self.client.get(url + QUERY + "&file_format=csv")
        self.assertEqual(response.status_code, 200)
        k = int(response["X-Caminantes-K-Anonymity"])
        rows = csv_of(response)
        header, data = rows[0], rows[1:]
        self.assertGreater(len(data), 40)
        sensitive = ["pregnant", "disability", "legal_status", *(n for n, _d in WG_DOMAINS)]
        for column in [*GROUP, *sensitive, "intention", "intention_country", "slept_last_night"]:
            self.assertIn(column, header)
        self.assertIn("group_female_0_5", QUASI)
        col = {name: header.index(name) for name in header}
        # The travel group is a quasi-identifier: in bands, never a raw count, and part of
        # the combinations that every k respondents share.
        for name in GROUP:
            self.assertLessEqual({r[col[name]] for r in data}, {"0", "1", "2+", "1+", "*", ""})
        self.assertTrue({r[col["group_size"]] for r in data} - {"", "*"})  # no longer empty
        combos: dict[tuple[str, ...], list[list[str]]] = {}
        for r in data:
            combos.setdefault(tuple(r[col[c]] for c in QUASI), []).append(r)
        self.assertEqual(min(len(m) for m in combos.values()), k)
        self.assertGreaterEqual(k, 5)
        # Health and status: in every combination, either two answers or withheld, and no
        # revealing answer given by all of its members.
        for members in combos.values():
            for column in sensitive:
                answers = {m[col[column]] for m in members}
                if answers != {"*"}:
                    self.assertGreaterEqual(len(answers), 2, column)
                    self.assertNotIn(answers, ({"yes"}, {"irregular"}, {"a_lot"}, {"cannot"}))
        self.assertTrue({r[col["legal_status"]] for r in data} - {"*"})  # not all withheld
        # Journey answers go out as given.
        self.assertIn("PE", {r[col["intention_country"]] for r in data})
        self.assertLessEqual({r[col["slept_last_night"]] for r in data},
                             {"street", "shelter", "rented"})  # fmt: skip
