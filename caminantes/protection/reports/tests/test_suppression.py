"""The suppression engine on small hand-made tables, and an attacker that fails on them."""

from __future__ import annotations

import random

import pytest

from caminantes.lib import suppression
from caminantes.lib.suppression import (
    COMPLEMENT,
    PRIMARY,
    TOTAL,
    CountTable,
    Dimension,
    count_table,
    protect,
)
from caminantes.protection.reports.tests.attacker import (
    Knowledge,
    feasible_values,
    substitute,
    tighten,
)

TYPES = Dimension("type", ("rape", "physical", "psychological"))
MONTHS = Dimension("month", ("2026-01", "2026-02", "2026-03"))
AREAS = Dimension("admin1", ("CO-NAR", "CO-PUT", "CO-VAC"))


def grid(rows: Dimension, cols: Dimension | None, values: list[list[int]], name: str = "t"):
    table = CountTable(name=name, population="gbv", rows=rows, cols=cols)
    for r, row in zip(rows.categories, values, strict=True):
        for c, value in zip(cols.categories if cols else (None,), row, strict=True):
            table.counts[(r, c)] = value
    return table


def assert_attacker_fails(published, cap: int, brute_force: bool = True) -> None:
    """`cap`: at least the true grand total. A hidden cell's upper bound is set well above
    it, so that the cap cannot pin what the published tables leave open."""
    knowledge = Knowledge(published, 2 * cap + 10)
    recovered = substitute(knowledge)
    assert not knowledge.primary & set(recovered), "a <5 was recomputed from the totals"
    narrowed = tighten(knowledge, knowledge.bounds)
    assert narrowed is not None  # what is published is consistent
    for key in knowledge.primary:
        assert narrowed[key][0] < narrowed[key][1], f"interval attack pins {key}"
        if brute_force:
            assert len(feasible_values(knowledge, key)) >= 2, f"{key} has one completion"


def test_it_counts_microdata_with_totals() -> None:
    records = [
        {"type": "rape", "month": "2026-01"},
        {"type": "rape", "month": "2026-01"},
        {"type": "physical", "month": "2026-03"},
    ]
    table = count_table(
        records, name="t", population="gbv", rows=TYPES, row_field="type", cols=MONTHS,
        col_field="month",
    )  # fmt: skip
    assert table.value("rape", "2026-01") == 2
    assert table.value("rape", TOTAL) == 2
    assert table.value(TOTAL, "2026-03") == 1
    assert table.value(TOTAL, TOTAL) == 3
    assert table.value("psychological", "2026-02") == 0
    one_way = count_table(records, name="o", population="gbv", rows=TYPES, row_field="type")
    assert one_way.value("rape") == 2 and one_way.value(TOTAL) == 3


def test_it_refuses_a_value_outside_the_categories() -> None:
    with pytest.raises(ValueError, match="category"):
        count_table([{"type": "other"}], name="o", population="gbv", rows=TYPES, row_field="type")


def test_it_shows_1_to_4_as_less_than_five_and_keeps_zeros_and_large_counts() -> None:
    (table,) = protect([grid(TYPES, MONTHS, [[3, 20, 0], [30, 40, 0], [12, 9, 0]])])
    assert table.shown("rape", "2026-01").mark == PRIMARY
    assert str(table.shown("rape", "2026-01")) == "<5"
    assert str(table.shown("rape", "2026-03")) == "0"
    assert str(table.shown("physical", "2026-02")) == "40"
    assert table.shown("rape", "2026-01").value is None  # the value is not published at all


def test_it_hides_the_smallest_complement_in_each_line_of_a_single_hidden_cell() -> None:
    (table,) = protect([grid(TYPES, MONTHS, [[3, 20, 0], [30, 40, 0], [12, 9, 0]])])
    # Row "rape": 3 alone would be 23 - 20; its smallest partner, 20, goes.
    # Column January: 3 alone would be 45 - 30 - 12; its smallest partner, 12, goes.
    assert table.shown("rape", "2026-02").mark == COMPLEMENT
    assert table.shown("psychological", "2026-01").mark == COMPLEMENT
    # Which leaves one hidden cell in the row of 12 and the column of 20: 9 closes both.
    assert table.shown("psychological", "2026-02").mark == COMPLEMENT
    assert str(table.shown("physical", "2026-01")) == "30"
    assert str(table.shown(TOTAL, TOTAL)) == "114"
    assert_attacker_fails([table], cap=114)


def test_it_hides_a_total_that_equals_a_single_hidden_cell() -> None:
    # January has only the 3 (and a zero): its column total would be the 3 itself.
    (table,) = protect([grid(TYPES, MONTHS, [[3, 20, 8], [0, 40, 9], [0, 9, 7]])])
    assert table.shown(TOTAL, "2026-01").mark == PRIMARY  # 3 is itself "<5"
    (table,) = protect([grid(TYPES, MONTHS, [[3, 6, 8], [0, 40, 9], [0, 9, 7]])])
    # Row "rape": the 3 pulls the 6 in; column February then pulls another cell in;
    # and no line may be left with a single hidden cell.
    for members, total in table.lines:
        hidden = sum(1 for k in (*members, total) if table.cells[_cell(table, k)].mark)
        assert hidden != 1
    assert_attacker_fails([table], cap=82)


def _cell(table, key):
    return next(cell for cell, k in table.keys.items() if k == key)


def test_the_rule_of_thumb_alone_leaves_two_fours_recoverable_and_the_audit_does_not() -> None:
    # Two "<5" in the "rape" row whose published neighbours say they add up to 8: both 4.
    table = grid(TYPES, MONTHS, [[4, 4, 20], [10, 30, 6], [12, 9, 7]])
    problem = suppression._Problem([table])
    problem.complete_lines()
    rule_only = _publish(problem, table)
    knowledge = Knowledge([rule_only], cap=200)
    narrowed = tighten(knowledge, knowledge.bounds)
    assert narrowed is not None
    pinned = [k for k in knowledge.primary if narrowed[k][0] == narrowed[k][1]]
    assert pinned, "the hand-made case should defeat the line rule alone"

    (published,) = protect([table])
    assert_attacker_fails([published], cap=200)
    assert published.shown("rape", "2026-01").mark == PRIMARY  # still says "<5"


def _publish(problem, table):
    keys, lines = suppression._layout(table)
    cells = {
        cell: suppression.Shown(None if problem.mark[k] else problem.values[k], problem.mark[k])
        for cell, k in keys.items()
    }
    return suppression.PublishedTable(
        table.name, table.population, table.rows, table.cols, cells, keys, lines
    )


def test_it_widens_a_less_than_five_total_that_pins_four_ones() -> None:
    # Four areas of one incident each, total 4: "<5" everywhere would say "all are 1".
    areas = Dimension("admin1", ("A", "B", "C", "D"))
    (table,) = protect([grid(areas, None, [[1], [1], [1], [1]])])
    assert [table.shown(a).mark for a in areas.categories] == [PRIMARY] * 4
    assert table.shown(TOTAL).mark == COMPLEMENT
    assert_attacker_fails([table], cap=10)


def test_a_one_way_table_of_one_small_count_reads_less_than_five_twice() -> None:
    (table,) = protect([grid(AREAS, None, [[3], [0], [0]])])
    assert [str(table.shown(a)) for a in (*AREAS.categories, TOTAL)] == ["<5", "0", "0", "<5"]
    assert_attacker_fails([table], cap=10)


def test_tables_of_one_population_share_the_grand_total_and_its_suppression() -> None:
    records = [{"type": "rape", "month": "2026-01", "admin1": "CO-NAR"}] * 30
    records += [{"type": "physical", "month": "2026-02", "admin1": "CO-PUT"}] * 3
    records += [{"type": "psychological", "month": "2026-03", "admin1": "CO-VAC"}] * 9
    by_month = count_table(
        records, name="m", population="gbv", rows=TYPES, row_field="type", cols=MONTHS,
        col_field="month",
    )  # fmt: skip
    by_area = count_table(records, name="a", population="gbv", rows=AREAS, row_field="admin1")
    published = protect([by_month, by_area])
    assert {str(t.shown(TOTAL, TOTAL if t.cols else None)) for t in published} == {"42"}
    assert_attacker_fails(published, cap=60)


def test_two_tables_sharing_a_margin_hide_it_in_both_or_neither() -> None:
    kinds = Dimension("exploitation", ("sexual", "labour", "begging"))
    status = Dimension("status", ("presumed", "identified"))
    by_month = grid(kinds, MONTHS, [[2, 7, 9], [6, 0, 8], [10, 5, 6]], name="km")
    by_status = grid(kinds, status, [[10, 8], [12, 2], [14, 7]], name="ks")
    published = protect([by_month, by_status])
    for kind in kinds.categories:
        marks = {t.shown(kind, TOTAL).mark for t in published}
        assert len(marks) == 1, kind
    assert_attacker_fails(published, cap=60)


def test_tables_that_disagree_on_a_shared_total_are_refused() -> None:
    with pytest.raises(ValueError, match="disagree"):
        protect([grid(AREAS, None, [[5], [6], [7]], "a"), grid(TYPES, None, [[5], [6], [8]], "b")])


def _random_table(rng: random.Random, name: str, rows: Dimension, cols: Dimension | None):
    small = [0, 0, 1, 2, 3, 4, 5, 6, 8, 12]
    width = len(cols.categories) if cols else 1
    values = [[rng.choice(small) for _ in range(width)] for _ in rows.categories]
    return grid(rows, cols, values, name=name)


def _dimension(rng: random.Random, name: str, low: int, high: int) -> Dimension:
    return Dimension(name, tuple(f"{name}{i}" for i in range(rng.randint(low, high))))


@pytest.mark.parametrize("seed", range(8))
def test_the_attacker_never_recovers_a_primary_cell_of_random_tables(seed: int) -> None:
    rng = random.Random(seed)
    for round_ in range(40):
        rows, cols = _dimension(rng, "r", 2, 6), _dimension(rng, "c", 2, 8)
        table = _random_table(rng, f"t{round_}", rows, cols)
        published = protect([table])
        assert_attacker_fails(published, cap=table.value(TOTAL, TOTAL), brute_force=False)


@pytest.mark.parametrize("seed", range(6))
def test_tiny_random_families_have_two_completions_for_every_primary_cell(seed: int) -> None:
    rng = random.Random(1000 + seed)
    for _round in range(12):
        rows, cols = _dimension(rng, "r", 2, 3), _dimension(rng, "c", 2, 3)
        two_way = _random_table(rng, "two", rows, cols)
        # a one-way table of the same population on the row dimension: shares its margins
        one_way = CountTable("one", "gbv", rows, None)
        for r in rows.categories:
            one_way.counts[(r, None)] = two_way.value(r, TOTAL)
        published = protect([two_way, one_way])
        grand = two_way.value(TOTAL, TOTAL)
        assert_attacker_fails(published, cap=grand, brute_force=True)


@pytest.mark.parametrize("size", [6, 15, 40, 120])
def test_the_attacker_fails_on_random_report_shaped_families(size: int) -> None:
    """Type x month, a one-way by area and age x sex of the same incidents, as the page
    publishes them: substitution and interval attacks over all three tables at once."""
    rng = random.Random(size)
    types = Dimension("type", tuple(f"t{i}" for i in range(6)))
    months = Dimension("month", tuple(f"m{i:02}" for i in range(12)))
    areas = Dimension("admin1", tuple(f"a{i}" for i in range(12)))
    ages = Dimension("age", ("0-11", "12-17", "18-59", "60+", "unknown"))
    sexes = Dimension("sex", ("female", "male", "other"))
    for _round in range(10):
        records = [
            {
                "type": rng.choice(types.categories),
                "month": rng.choice(months.categories),
                "admin1": rng.choice(areas.categories[:5]),
                "age": rng.choice(ages.categories),
                "sex": rng.choice(("female",) * 5 + ("male",)),
            }
            for _ in range(size)
        ]
        published = protect(
            [
                count_table(records, name="tm", population="gbv", rows=types,
                            row_field="type", cols=months, col_field="month"),
                count_table(records, name="a", population="gbv", rows=areas, row_field="admin1"),
                count_table(records, name="as", population="gbv", rows=ages,
                            row_field="age", cols=sexes, col_field="sex"),
            ]
        )  # fmt: skip
        assert not any(table.withheld for table in published)
        assert_attacker_fails(published, cap=size, brute_force=False)


def test_a_table_that_cannot_be_protected_is_withheld_whole(monkeypatch) -> None:
    # With no search budget no "<5" can be shown safe: the tables holding one are withheld,
    # and a table without any "<5" is still published.
    monkeypatch.setattr(suppression, "_CERTIFY_BUDGET", 0)
    monkeypatch.setattr(suppression, "_REPAIR_BUDGET", 0)
    small = grid(TYPES, MONTHS, [[3, 20, 8], [6, 40, 9], [12, 9, 7]], name="small")
    large = CountTable("large", "other", AREAS, None, {(a, None): 10 for a in AREAS.categories})
    published = protect([small, large])
    assert [t.withheld for t in published] == [True, False]
    assert published[0].keys == {} and published[0].lines == []
    assert {str(c) for c in published[0].cells.values()} == {COMPLEMENT}
    assert str(published[1].shown(TOTAL)) == "30"
