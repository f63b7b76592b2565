"""DTM demo: IOM's "Venezuela regional" operation with a year of counts at the real crossings.

Synthetic but shaped like the published dashboards: more movement around the year-end
holidays and mid-year, fewer on Sundays; more people entering than leaving at Rumichaca and
CEBAF (the southbound route), about a quarter children, mostly Venezuelan nationals. Raw
rows are bulk-inserted and the daily rollup rebuilt once (`rollup.rebuild`), so the load
stays within seconds on SQLite. Idempotent: an existing operation is left as it is.
"""

from __future__ import annotations

import hashlib
import random
import uuid
from collections.abc import Callable, Iterable
from datetime import date, time, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from caminantes.accounts.models import Organization, User
from caminantes.dtm import demo_vulnerability, rollup
from caminantes.dtm.choices import (
    Document,
    Incident,
    Need,
    ReasonForLeaving,
    TransportMode,
)
from caminantes.dtm.models import (
    BaselineAssessment,
    BaselineBreakdown,
    CollectiveSite,
    FlowCount,
    FlowCountBreakdown,
    FlowMonitoringPoint,
    Operation,
    Round,
    SiteAssessment,
    SiteAssessmentBreakdown,
    SurveyChoice,
    SurveyRefusal,
    SurveySubmission,
)
from caminantes.geo.models import AdminArea, Country, Place
from caminantes.lib.bulk import BulkWriter

CODE = "venezuela-regional"
SURVEYS = 3000
# Per crossing: people per day (incoming, outgoing), transport modes, destinations (weights).
POINTS: dict[str, tuple[int, int, dict[str, int], dict[str, int]]] = {
    "co-simon-bolivar": (700, 620, {"on_foot": 80, "bus": 10, "car": 10},
                         {"CO": 55, "EC": 15, "PE": 20, "CL": 10}),
    "co-francisco-de-paula-santander": (260, 240, {"on_foot": 60, "motorbike": 25, "car": 15},
                                        {"CO": 70, "PE": 15, "EC": 15}),
    "co-paraguachon": (300, 270, {"on_foot": 40, "bus": 30, "car": 30},
                       {"CO": 75, "PE": 15, "CL": 10}),
    "co-rumichaca": (240, 120, {"on_foot": 45, "bus": 45, "car": 10},
                     {"EC": 35, "PE": 45, "CL": 20}),
    "ec-rumichaca": (230, 110, {"on_foot": 45, "bus": 45, "car": 10},
                     {"EC": 30, "PE": 45, "CL": 25}),
    "pe-cebaf-tumbes": (200, 90, {"on_foot": 30, "bus": 60, "car": 10},
                        {"PE": 70, "CL": 25, "AR": 5}),
    "br-pacaraima": (180, 60, {"on_foot": 70, "bus": 20, "car": 10}, {"BR": 90, "AR": 10}),
    "cl-chacalluta": (60, 40, {"on_foot": 40, "bus": 40, "car": 20}, {"CL": 95, "AR": 5}),
    "pe-desaguadero": (50, 45, {"on_foot": 50, "bus": 50}, {"BO": 50, "AR": 30, "CL": 20}),
    "co-necocli": (120, 10, {"boat": 100}, {"PA": 20, "US": 75, "MX": 5}),
}  # fmt: skip
# Per crossing and direction: the flow types (weights). Cúcuta and Paraguachón are mostly
# pendular (people who cross for the day to work, shop or see a doctor); Rumichaca and
# Tumbes see people in transit south; Pacaraima and Chacalluta mostly people who stay.
FLOW_MIX: dict[str, dict[str, dict[str, int]]] = {
    "co-simon-bolivar": {"incoming": {"pendular": 70, "stay": 20, "transit": 10},
                         "outgoing": {"pendular": 82, "return": 13, "transit": 5}},
    "co-francisco-de-paula-santander": {"incoming": {"pendular": 75, "stay": 15, "transit": 10},
                                        "outgoing": {"pendular": 85, "return": 15}},
    "co-paraguachon": {"incoming": {"pendular": 65, "stay": 25, "transit": 10},
                       "outgoing": {"pendular": 80, "return": 20}},
    "co-rumichaca": {"incoming": {"transit": 45, "pendular": 35, "return": 20},
                     "outgoing": {"transit": 75, "pendular": 20, "return": 5}},
    "ec-rumichaca": {"incoming": {"transit": 75, "stay": 15, "pendular": 10},
                     "outgoing": {"pendular": 50, "transit": 40, "return": 10}},
    "pe-cebaf-tumbes": {"incoming": {"transit": 45, "stay": 45, "pendular": 10},
                        "outgoing": {"transit": 50, "pendular": 30, "return": 20}},
    "br-pacaraima": {"incoming": {"stay": 70, "transit": 15, "pendular": 15},
                     "outgoing": {"pendular": 60, "return": 40}},
    "cl-chacalluta": {"incoming": {"stay": 80, "pendular": 20},
                      "outgoing": {"transit": 40, "pendular": 40, "return": 20}},
    "pe-desaguadero": {"incoming": {"stay": 40, "transit": 30, "pendular": 30},
                       "outgoing": {"transit": 60, "pendular": 40}},
    "co-necocli": {"incoming": {"transit": 95, "stay": 5}, "outgoing": {"transit": 100}},
}  # fmt: skip
NEIGHBOUR = {"co-simon-bolivar": "VE", "co-francisco-de-paula-santander": "VE",
             "co-paraguachon": "VE", "co-rumichaca": "EC", "ec-rumichaca": "CO",
             "pe-cebaf-tumbes": "EC", "br-pacaraima": "VE", "cl-chacalluta": "PE",
             "pe-desaguadero": "BO", "co-necocli": "PA"}  # fmt: skip
NATIONALITY = {"VE": 86, "CO": 6, "EC": 3, "PE": 2, "HT": 3}
SEX_AGE_SHARE = {  # ~25 % children, ~48 % women and girls
    "female_0_5": 5, "female_6_17": 7, "female_18_59": 33, "female_60_plus": 3,
    "male_0_5": 5, "male_6_17": 8, "male_18_59": 36, "male_60_plus": 3,
}  # fmt: skip
SHIFTS = ((time(6), time(12)), (time(12), time(18)))
SITES = (
    ("Albergue Divina Providencia", "co-divina-providencia", "CO", "CO-NSA", "shelter", 400),
    ("Centro de Atención Integral Maicao", "co-cai-maicao", "CO", "CO-LAG", "collective_centre",
     350),
    ("Albergue de Ipiales", "co-albergue-ipiales", "CO", "CO-NAR", "shelter", 150),
    ("Centro de tránsito Tumbes", "pe-transito-tumbes", "PE", "PE-TUM", "transit_centre", 120),
    ("Asentamiento La Parada", "co-la-parada", "CO", "CO-NSA", "spontaneous", 600),
)  # fmt: skip
# Where the demo sites stand (the mobility map draws them), approximately.
SITE_PLACES = {
    "co-divina-providencia": ("7.8890", "-72.4967"), "co-cai-maicao": ("11.3775", "-72.2390"),
    "co-albergue-ipiales": ("0.8303", "-77.6441"), "pe-transito-tumbes": ("-3.5669", "-80.4515"),
    "co-la-parada": ("7.8700", "-72.4600"),
}  # fmt: skip


def _split(rng: random.Random, total: int, weights: dict[str, int]) -> dict[str, int]:
    """Share `total` among the keys roughly by weight; the parts add up exactly."""
    keys = list(weights)
    cells = dict.fromkeys(keys, 0)
    if total <= 0:
        return cells
    picks = rng.choices(keys, weights=[weights[k] for k in keys], k=min(total, 60))
    for k in picks:
        cells[k] += 1
    # Scale the sample to the total, giving the remainder to the heaviest cell.
    scaled = {k: v * total // len(picks) for k, v in cells.items()}
    top = max(weights, key=lambda k: weights[k])
    scaled[top] += total - sum(scaled.values())
    return scaled


def _season(day: date) -> float:
    month = {1: 1.25, 2: 1.0, 3: 0.95, 4: 0.95, 5: 0.9, 6: 1.0, 7: 1.2, 8: 1.15, 9: 0.95,
             10: 0.9, 11: 0.95, 12: 1.3}[day.month]  # fmt: skip
    return month * (0.75 if day.weekday() == 6 else 1.0)


def _operation(org: Organization, countries: list[Country], first: date) -> Operation:
    op = Operation.objects.create(
        organization=org, name="Venezuela regional", code=CODE, starts_on=first,
        description="Monitoreo de flujo en los principales pasos fronterizos de la respuesta "
                    "a la situación de Venezuela.",
    )  # fmt: skip
    op.countries.set(countries)
    return op


def _rounds(op: Operation, first: date) -> list[Round]:
    rounds = []
    start = first
    for number in range(1, 13):
        nxt = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
        rounds.append(Round(operation=op, number=number, starts_on=start,
                            ends_on=nxt - timedelta(days=1)))  # fmt: skip
        start = nxt
    return Round.objects.bulk_create(rounds)


def _points(op: Operation) -> list[FlowMonitoringPoint]:
    points = []
    for place in Place.objects.filter(kind=Place.Kind.CROSSING, slug__in=POINTS):
        _i, _o, modes, _d = POINTS[place.slug]
        points.append(FlowMonitoringPoint(
            operation=op, organization_id=op.organization_id, place=place, name=place.name,
            code=place.slug, country_id=place.country_id, admin_area_id=place.admin_area_id,
            latitude=place.latitude, longitude=place.longitude,
            point_type="seaport" if place.crossing_type == "maritime" else "border_crossing",
            movement_types=_movement_types(place.slug),
            transport_modes=list(modes), services=["water", "health", "information", "protection"],
        ))  # fmt: skip
    return FlowMonitoringPoint.objects.bulk_create(points)


def _movement_types(code: str) -> list[str]:
    """What the point's label lists: its senses and the flow types seen there."""
    kinds = {t for mix in FLOW_MIX[code].values() for t in mix} & {"transit", "pendular", "return"}
    senses = ["exit"] if code == "co-necocli" else ["entry", "exit"]
    return senses + sorted(kinds)


def _counts(rng: random.Random, points: list[FlowMonitoringPoint], days: list[date],
            enumerator: User | None) -> int:  # fmt: skip
    sheets: list[FlowCount] = []
    vrng = random.Random(16)  # noqa: S311 - the vulnerability counts' own draws
    parts: list[tuple[int, str, dict[str, int]]] = []
    for point in points:
        base_in, base_out, _modes, _destinations = POINTS[point.code]
        for day in days:
            for direction, base in (("incoming", base_in), ("outgoing", base_out)):
                for start, end in SHIFTS:
                    shift_total = max(0, int(rng.gauss(base / 2 * _season(day), base * 0.08)))
                    by_type = _split(rng, shift_total, FLOW_MIX[point.code][direction])
                    for flow_type, n in by_type.items():
                        if n or flow_type == max(by_type, key=lambda t: by_type[t]):
                            _sheet(rng, sheets, parts, point, day, (start, end), direction,
                                   flow_type, n, enumerator, vrng)  # fmt: skip
    ids = _insert_objects(FlowCount, sheets)
    _insert_rows(
        FlowCountBreakdown, ["count", "dimension", "code", "individuals"],
        ((ids[i], d, code, v) for i, d, cells in parts for code, v in cells.items() if v),
    )  # fmt: skip
    return len(sheets)


def _insert_objects(model: type[Any], objs: list[Any]) -> list[int]:
    """Unsaved instances into `model`'s table through the registry's bulk writer (COPY, or
    one executemany on SQLite), as bulk_create would write them but without its SQL compiled
    per row: it was two fifths of the DTM demo (38,000 tally sheets of 30 columns). No
    signals, as with bulk_create. Their ids, in order (reserved first: rows of another table
    point at them)."""
    writer = BulkWriter()
    fields = [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key
        and not getattr(f, "auto_now", False)
        and not getattr(f, "auto_now_add", False)
    ]  # fmt: skip  (the writer stamps auto_now fields itself)
    rows = [{f.attname: getattr(obj, f.attname) for f in fields} for obj in objs]
    ids = writer.reserve_ids(model, len(rows))
    if ids is not None:
        for row, pk in zip(rows, ids, strict=True):
            row[model._meta.pk.attname] = pk
    return list(writer.write(model, rows))


def _insert_rows(model: type[Any], fields: list[str], rows: Iterable[tuple[Any, ...]]) -> None:
    """Plain rows into `model`'s table in one executemany. The ORM's bulk_create built a
    model instance and compiled SQL for each of the demo's ~300,000 breakdowns: two thirds of
    the DTM demo's load time. For rows of plain values with no signal or default to run."""
    ops = connection.ops
    table = ops.quote_name(model._meta.db_table)
    columns = ", ".join(ops.quote_name(model._meta.get_field(f).column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(rows))  # noqa: S608


def _sheet(rng: random.Random, sheets: list[FlowCount],
           parts: list[tuple[int, str, dict[str, int]]], point: FlowMonitoringPoint,
           day: date, shift: tuple[time, time], direction: str, flow_type: str, n: int,
           enumerator: User | None, vrng: random.Random) -> None:  # fmt: skip
    """One tally sheet (and its breakdowns) of one flow type, appended to `sheets`."""
    _i, _o, modes, destinations = POINTS[point.code]
    start, end = shift
    if flow_type == "pendular":  # commuters go back and forth to the neighbouring country
        here = point.code[:2].upper()  # the point codes start with the country
        destinations = {here if direction == "incoming" else NEIGHBOUR[point.code]: 1}
    cells = _split(rng, n, SEX_AGE_SHARE)
    children = cells["female_0_5"] + cells["female_6_17"] + cells["male_0_5"] + cells["male_6_17"]
    key = uuid.uuid4()
    extras = demo_vulnerability.tally_extras(vrng, cells, n)
    sheets.append(FlowCount(
        uuid=key, point=point, organization_id=point.organization_id,
        country_id=point.country_id, operation_id=point.operation_id,
        observed_on=day, shift_start=start, shift_end=end, direction=direction,
        flow_type=flow_type, individuals=n, groups=max(1, n // 3) if n else 0,
        unaccompanied_children=min(children, int(n * 0.004 + rng.random())),
        enumerator=enumerator, source="demo",
        content_sha256=hashlib.sha256(key.bytes).hexdigest(), **cells, **extras,
    ))  # fmt: skip
    parts.append((len(sheets) - 1, "nationality", _split(rng, n, NATIONALITY)))
    parts.append((len(sheets) - 1, "transport", _split(rng, n, modes)))
    parts.append((len(sheets) - 1, "destination", _split(rng, n, destinations)))


def _surveys(rng: random.Random, points: list[FlowMonitoringPoint], days: list[date],
             enumerator: User | None) -> int:  # fmt: skip
    subs: list[SurveySubmission] = []
    vrng = random.Random(1605)  # noqa: S311 - the new questions' own draws
    iso2 = dict(Country.objects.values_list("pk", "iso2"))
    picks: list[dict[str, list[str]]] = []
    weights = [POINTS[p.code][0] for p in points]
    for _n in range(SURVEYS):
        point = rng.choices(points, weights=weights)[0]
        day = rng.choice(days)
        destinations = POINTS[point.code][3]
        key = uuid.uuid4()
        size = rng.choice((1, 1, 2, 3, 4, 5))
        subs.append(SurveySubmission(
            uuid=key, point=point, organization_id=point.organization_id,
            country_id=point.country_id, operation_id=point.operation_id, interviewed_on=day,
            consent=True, nationality=rng.choices(list(NATIONALITY), list(NATIONALITY.values()))[0],
            sex=rng.choice(("female", "male")), age=rng.randint(18, 65),
            marital_status=rng.choice(("single", "married", "cohabiting")),
            education=rng.choice(("primary", "secondary", "secondary", "technical", "university")),
            employment_before=rng.choice(("employed", "self_employed", "unemployed")),
            employment_now="unemployed", origin_country="VE",
            departure_date=day - timedelta(days=rng.randint(2, 40)), group_size=size,
            children_in_group=rng.randint(0, size - 1), days_in_transit=rng.randint(1, 30),
            main_transport=rng.choice(list(POINTS[point.code][2])),
            travel_cost_usd=rng.randint(20, 600),
            destination_country=rng.choices(list(destinations), list(destinations.values()))[0],
            intends_to_stay=rng.choice(("yes", "no", "dont_know")),
            regular_entry=rng.choice(("yes", "no", "no")),
            asylum_sought=rng.choice(("no", "no", "yes")),
            health_problem=rng.choice(("no", "no", "yes")),
            sends_remittances=rng.choice(("no", "yes")), source="demo",
            content_sha256=hashlib.sha256(key.bytes).hexdigest(),
        ))  # fmt: skip
        incidents = rng.sample([c for c in Incident.values if c not in ("none", "refused")],
                               k=rng.choice((0, 0, 1, 1, 2)))  # fmt: skip
        documents = rng.sample(["passport", "national_id", "birth_certificate", "permit"],
                               k=rng.choice((0, 1, 1, 2)))  # fmt: skip
        picks.append({
            "reasons_leaving": rng.sample(
                [c for c in ReasonForLeaving.values if c != "other"], k=rng.choice((1, 2, 3))),
            "needs": rng.sample([c for c in Need.values if c != "other"], k=rng.choice((1, 2, 3))),
            "documents": documents or [Document.NONE.value],
            "incidents": incidents or [Incident.NONE.value],
            "transit_countries": rng.sample(["CO", "EC", "PE"], k=rng.choice((0, 1, 2))),
            "transport_modes": rng.sample([m for m in TransportMode.values if m != "plane"],
                                          k=rng.choice((1, 2))),
        })  # fmt: skip
        sub = subs[-1]
        for name, value in demo_vulnerability.survey_extras(
            vrng, country=iso2[point.country_id], sex=sub.sex, age=sub.age, size=size,
            children=sub.children_in_group, transit=picks[-1]["transit_countries"],
        ).items():  # fmt: skip
            setattr(sub, name, value)
    created = SurveySubmission.objects.bulk_create(subs, batch_size=1000)
    SurveyRefusal.objects.bulk_create(
        demo_vulnerability.refusals(vrng, points, days, len(created), weights), batch_size=1000
    )
    SurveyChoice.objects.bulk_create(
        (SurveyChoice(submission_id=s.pk, question=q, option=o, position=i,
                      operation_id=s.operation_id, point_id=s.point_id,
                      interviewed_on=s.interviewed_on)
         for s, chosen in zip(created, picks, strict=True)
         for q, options in chosen.items() for i, o in enumerate(options, start=1)),
        batch_size=5000,
    )  # fmt: skip
    return len(created)


def _mobility(rng: random.Random, op: Operation, rounds: list[Round], user: User | None) -> int:
    made = 0
    areas = list(AdminArea.objects.filter(country__iso2__in=("CO", "PE", "EC"), level=1,
                                          iso_code__in=("CO-NSA", "CO-LAG", "CO-NAR", "CO-ANT",
                                                        "CO-DC", "PE-TUM", "PE-LIM", "EC-C",
                                                        "EC-P")))  # fmt: skip
    for rnd in rounds[-3:]:
        for area in areas:
            people = rng.randint(3000, 60000)
            cells = _split(rng, people, SEX_AGE_SHARE)
            obj = BaselineAssessment.objects.create(
                round=rnd, organization_id=op.organization_id, country_id=area.country_id,
                admin_area=area, assessed_on=rnd.ends_on - timedelta(days=5),
                households=people // 4, individuals=people, key_informants=rng.randint(3, 12),
                source="demo", created_by=user, **cells,
            )  # fmt: skip
            rows = [
                ("origin_country", k, v)
                for k, v in _split(rng, people, {"VE": 92, "CO": 5, "other": 3}).items()
            ]
            rows += [
                ("arrival_period", k, v)
                for k, v in _split(
                    rng,
                    people,
                    {"last_3_months": 15, "3_12_months": 25, "1_3_years": 35, "over_3_years": 25},
                ).items()
            ]
            rows += [
                ("shelter_type", k, v)
                for k, v in _split(
                    rng,
                    people,
                    {
                        "rented": 60,
                        "host_family": 15,
                        "collective_site": 8,
                        "street": 7,
                        "informal_settlement": 10,
                    },
                ).items()
            ]
            rows += [
                ("need_sector", s, rng.randint(1, 5))
                for s in ("food", "health", "shelter", "livelihoods", "protection")
            ]
            BaselineBreakdown.objects.bulk_create(
                BaselineBreakdown(assessment=obj, dimension=d, code=c, value=v)
                for d, c, v in rows
                if v
            )  # fmt: skip
            made += 1
    for name, code, iso2, area_code, kind, capacity in SITES:
        country = Country.objects.filter(iso2=iso2).first()
        if country is None:
            continue
        site = CollectiveSite.objects.create(
            organization_id=op.organization_id, country=country, name=name, code=code,
            admin_area=AdminArea.objects.filter(iso_code=area_code).first(), site_type=kind,
            latitude=SITE_PLACES[code][0], longitude=SITE_PLACES[code][1],
        )  # fmt: skip
        for rnd in rounds[-3:]:
            people = int(capacity * rng.uniform(0.6, 1.15))
            a = SiteAssessment.objects.create(
                site=site, round=rnd, organization_id=op.organization_id, country=country,
                assessed_on=rnd.ends_on - timedelta(days=3), capacity=capacity,
                households=people // 3, individuals=people, source="demo", created_by=user,
                **_split(rng, people, SEX_AGE_SHARE),
            )  # fmt: skip
            rows = [
                ("nationality", k, v)
                for k, v in _split(rng, people, {"VE": 90, "CO": 7, "other": 3}).items()
            ]
            rows += [
                ("service", s, 1)
                for s in rng.sample(
                    ["water", "food", "health", "toilets", "protection", "child_space"], k=4
                )
            ]
            SiteAssessmentBreakdown.objects.bulk_create(
                SiteAssessmentBreakdown(assessment=a, dimension=d, code=c, value=v)
                for d, c, v in rows if v
            )  # fmt: skip
            made += 1
    return made


def load(say: Callable[[str], None], **options: Any) -> None:
    org = Organization.objects.filter(acronym="IOM").first()
    if org is None:
        return
    if Operation.objects.filter(organization=org, code=CODE).exists():
        say("DTM: the demo operation is already there.")
        return
    rng = random.Random(20250301)  # noqa: S311 - synthetic demo figures
    today = timezone.localdate()
    # Twelve monthly rounds, the last one the month that just ended (its report is complete);
    # the counts go on into the current month, up to yesterday, for the dashboards.
    first = date(today.year - 1, today.month, 1)
    days = [first + timedelta(days=i) for i in range((today - first).days)]
    enumerator = User.objects.filter(email="dtm.enumerador@demo.caminantes.org").first()
    analyst = User.objects.filter(email="dtm.analista@demo.caminantes.org").first()
    with transaction.atomic():
        countries = list(Country.objects.filter(
            iso2__in=["CO", "EC", "PE", "BR", "CL", "BO", "VE"]))  # fmt: skip
        op = _operation(org, countries, first)
        rounds = _rounds(op, first)
        points = _points(op)
        sheets = _counts(rng, points, days, enumerator)
        surveys = _surveys(rng, points, days, enumerator)
        assessments = _mobility(rng, op, rounds, analyst)
        rollup.rebuild(op.pk)
    say(f"DTM: {len(points)} points, {sheets} flow count sheets, {surveys} surveys, "
        f"{assessments} baseline and site assessments.")  # fmt: skip
