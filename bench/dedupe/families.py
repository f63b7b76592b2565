"""Families that share everything but given names and dates, with known truth.

The sets `generate.py` writes have a few twins and juniors; the sets here are built to be
hard in the way a family registered together is hard (issue 12, item 5): about 15 % of the
people are a twin or a brother or sister of another person in the set, and everyone in a
family shares what families share:

- surnames, the household's phone and, for children and brothers and sisters, the place of
  birth;
- twins share the birth date too; their given names differ entirely, or only the second
  one (María Gabriela and María Daniela); they are of either sex; when both have a cédula,
  a third of the time the numbers are consecutive (issued the same day);
- adult brothers and sisters one to six years apart, with their own cédulas;
- a child without a cédula is registered, a quarter of the time, with the cédula of the
  mother or father who presents them (what many registration points do), so one document
  number belongs to two people of different generations.

Then 35 % of people are registered again, each new record written by another registrar
(`generate.corrupt`: capitals, lost accents, names left out or reordered, nicknames, typos,
dates swapped or mistyped, cédulas with slips, new phones). `--no-documents` empties every
document (many people arrive without one).

    python bench/dedupe/families.py --records 30000 --out /tmp/fam30k.csv [--no-documents]
writes the records and /tmp/fam30k.truth.csv (record_id,person_id).
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from generate import corrupt, first_record, write

from caminantes.lib.fakenames import FakeNames, FakePerson

TWINS = 0.13  # households given a pair of twins
SIBLING = 0.10  # households given an adult brother or sister of the focal point
PARENT_DOCUMENT = 0.25  # children without a cédula registered with a parent's
HOSTS = ("CO", "CO", "CO", "PE", "PE", "EC", "BR")


def _other_given(fake: FakeNames, rng: random.Random, p: FakePerson, sex: str) -> str:
    """A brother's or sister's given names: another first name, or (a fifth of the time,
    when p has two) the same first name with another second one."""
    first = p.given_names.split(" ")[0]
    words = p.given_names.split(" ")
    if sex == p.sex and len(words) > 1 and rng.random() < 0.2:
        while True:
            other = fake.given_names(sex, p.birth_date.year).split(" ")[-1]
            if other not in words:
                return f"{first} {other}"
    while True:
        given = fake.given_names(sex, p.birth_date.year)
        if given.split(" ")[0] != first:
            return given


def _twin(fake: FakeNames, rng: random.Random, p: FakePerson) -> FakePerson:
    sex = rng.choice("FM")
    cedula = ""
    if p.cedula:
        if rng.random() < 1 / 3:
            number = int("".join(c for c in p.cedula if c.isdigit())) + 1
            cedula = "V-" + f"{number:,}".replace(",", ".")
        else:
            cedula = fake.cedula(p.birth_date.year)
    return replace(p, given_names=_other_given(fake, rng, p, sex), sex=sex, cedula=cedula)


def _sibling(fake: FakeNames, rng: random.Random, p: FakePerson) -> FakePerson:
    sex = rng.choice("FM")
    born = p.birth_date + timedelta(days=rng.choice((-1, 1)) * rng.randint(365, 6 * 365))
    born = min(born, fake.today - timedelta(days=18 * 365))
    return replace(
        p,
        given_names=_other_given(fake, rng, p, sex),
        sex=sex,
        birth_date=born,
        birth_date_estimated=False,
        relationship="sibling",
        cedula=fake.cedula(born.year),
    )


def family(fake: FakeNames, rng: random.Random, host: str):
    """(household, members with their relatives added, who carries a parent's cédula)."""
    hh = fake.household(host)
    members = list(hh.members)
    focal = members[0]
    if rng.random() < TWINS:
        kids = [p for p in members if p.relationship in {"child", "grandchild", "stepchild"}]
        k = rng.choice(kids or [focal])
        members.insert(members.index(k) + 1, _twin(fake, rng, k))
    if rng.random() < SIBLING:
        members.append(_sibling(fake, rng, focal))
    # one place of birth for the focal point's brothers and sisters, one for the children
    # (their mother's, as `FakeNames` does for most of them)
    place = {"sibling": focal.birth_state}
    parents = [p for p in members if p.relationship in {"focal_point", "spouse"}]
    mother = next((p for p in parents if p.sex == "F"), focal)
    for i, p in enumerate(members):
        if p.relationship == "sibling" or p is focal:
            members[i] = replace(p, birth_state=place["sibling"], birth_country="VE")
        elif p.relationship in {"child", "grandchild", "stepchild"} and p.birth_country == "VE":
            members[i] = replace(p, birth_state=mother.birth_state or focal.birth_state)
    borrowed: dict[int, str] = {}
    with_cedula = [p for p in parents if p.cedula]
    for i, p in enumerate(members):
        if p.relationship in {"child", "grandchild"} and not p.cedula and with_cedula:
            if rng.random() < PARENT_DOCUMENT:
                borrowed[i] = rng.choice(with_cedula).cedula
    return hh, members, borrowed


def generate(n: int, seed: int = 1, documents: bool = True):
    rng = random.Random(seed)
    fake = FakeNames(seed, today=date(2026, 1, 1))
    rows: list[tuple[dict, str]] = []
    person = 0
    related = 0
    while len(rows) < n:
        host = rng.choice(HOSTS)
        hh, members, borrowed = family(fake, rng, host)
        related += sum(p.relationship == "sibling" for p in members) + (
            len(members) - len(fake_unique(members))
        )
        spouses = {p.sex: p.first_surname for p in members
                   if p.relationship in {"focal_point", "spouse"}}  # fmt: skip
        for k, p in enumerate(members):
            person += 1
            pid = f"P{person}"
            base = first_record(p, hh, host)
            if k in borrowed:
                base["document_type"], base["document_number"] = "cedula", borrowed[k]
            rows.append((base, pid))
            married = spouses.get("M", "") if p.sex == "F" and "M" in spouses else ""
            if p.relationship not in {"focal_point", "spouse"}:
                married = ""
            r = rng.random()
            extra = 0 if r < 0.65 else 1 if r < 0.88 else 2 if r < 0.97 else 3
            for _ in range(extra):
                again = corrupt(base, replace(p, cedula=base["document_number"]), hh, host,
                                married, fake, rng)  # fmt: skip
                rows.append((again, pid))
    rows = rows[:n]
    rng.shuffle(rows)
    records, truth = [], {}
    for k, (rec, pid) in enumerate(rows):
        rid = f"R{k + 1:07d}"
        if not documents:
            rec = {**rec, "document_type": "", "document_number": ""}
        records.append({"record_id": rid, **rec})
        truth[rid] = pid
    share = 2 * related / max(person, 1)
    return records, truth, share


def fake_unique(members: list[FakePerson]) -> set[tuple[str, date]]:
    """Members that are not the twin of another (a twin shares surnames and date)."""
    return {(f"{p.first_surname} {p.second_surname}", p.birth_date) for p in members}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--records", type=int, default=30_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-documents", action="store_true")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    records, truth, share = generate(args.records, args.seed, not args.no_documents)
    print("wrote", args.out, write(records, truth, args.out))
    print(f"people who are a twin or a brother or sister added to a family: {share:.1%}")


if __name__ == "__main__":
    main()
