"""Venezuelan-style records with known truth, for the deduplication benchmark.

People come from `caminantes.lib.fakenames` (households: couples, children, grandparents,
siblings travelling together), plus what that module leaves out and real registers have:
twins, sons named after their fathers, married women. Then some people are registered
again - by another organisation, in another country, months later - and each new record
is written the way a different registrar would write it: names in capitals or without
accents, a second name or surname left out, surnames in the other order, a married name
("de Pérez"), a nickname or an abbreviation, typos; a date with day and month swapped, a
year off by one, a mistyped digit, an estimated date (1 January), a missing date; the
cédula with or without V- and dots, a mistyped or swapped digit, or not given; a new phone
number, the phone written with or without the country code; given names and surnames typed
into each other's boxes. Probabilities are rough guesses of a busy registration day, not
fitted to any matcher.

    python bench/dedupe/generate.py --records 100000 --out /tmp/ve100k.csv
writes the records and /tmp/ve100k.truth.csv (record_id,person_id).
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from caminantes.lib.fakenames import FakeNames

FIELDS = ["record_id", "given_names", "family_names", "sex", "birth_date", "nationality",
          "document_type", "document_number", "phone", "birth_place"]  # fmt: skip
STATES = {
    "VE-A": "Distrito Capital", "VE-B": "Anzoátegui", "VE-C": "Apure", "VE-D": "Aragua",
    "VE-E": "Barinas", "VE-F": "Bolívar", "VE-G": "Carabobo", "VE-H": "Cojedes",
    "VE-I": "Falcón", "VE-J": "Guárico", "VE-K": "Lara", "VE-L": "Mérida", "VE-M": "Miranda",
    "VE-N": "Monagas", "VE-O": "Nueva Esparta", "VE-P": "Portuguesa", "VE-R": "Sucre",
    "VE-S": "Táchira", "VE-T": "Trujillo", "VE-U": "Yaracuy", "VE-V": "Zulia",
    "VE-W": "Dependencias Federales", "VE-X": "La Guaira", "VE-Y": "Delta Amacuro",
    "VE-Z": "Amazonas",
}  # fmt: skip
ISO3 = {"VE": "VEN", "CO": "COL", "PE": "PER", "EC": "ECU", "BR": "BRA"}
CODES = {"CO": "+57", "PE": "+51", "EC": "+593", "BR": "+55"}
NICK = {"josé": ["Pepe", "Cheo"], "jesús": ["Chucho", "Chuy"], "francisco": ["Paco", "Pancho"],
        "guadalupe": ["Lupe"], "alberto": ["Beto"], "antonio": ["Toño", "Tony"],
        "gregorio": ["Goyo"], "rafael": ["Rafa"], "manuel": ["Manolo"], "luis": ["Lucho"],
        "ignacio": ["Nacho"], "guillermo": ["Memo"], "gabriela": ["Gaby"],
        "mercedes": ["Meche"], "isabel": ["Chabela"], "alejandra": ["Ale"],
        "eduardo": ["Lalo"], "enrique": ["Quique"], "valentina": ["Vale"],
        "maría josé": ["Majo"], "teresa": ["Tere"]}  # fmt: skip


def person_rows(fake: FakeNames, rng: random.Random, host: str):
    """(person, household phone(s), host) for one household, with twins and juniors added."""
    hh = fake.household(host)
    members = list(hh.members)
    kids = [p for p in members if p.relationship in {"child", "grandchild"}]
    if kids and rng.random() < 0.04:  # twins: same date, same surnames, another name
        k = rng.choice(kids)
        sex = rng.choice("FM")
        given = fake.given_names(sex, k.birth_date.year)
        while given.split(" ")[0] == k.given_names.split(" ")[0]:
            given = fake.given_names(sex, k.birth_date.year)
        cedula = fake.cedula(k.birth_date.year) if k.cedula else ""
        members.append(replace(k, given_names=given, sex=sex, cedula=cedula))
    fathers = [p for p in members if p.sex == "M" and p.relationship in {"focal_point", "spouse"}]
    if fathers and rng.random() < 0.08:  # a son named after his father
        for i, p in enumerate(members):
            if p.relationship == "child" and p.sex == "M":
                members[i] = replace(p, given_names=fathers[0].given_names)
                break
    spouse_surname = {p.sex: p.first_surname for p in members
                      if p.relationship in {"focal_point", "spouse"}}  # fmt: skip
    return hh, members, spouse_surname


def phone_as_written(raw: str, host: str, rng: random.Random) -> str:
    if not raw:
        return ""
    digits = "".join(c for c in raw if c.isdigit())
    if raw.startswith("+"):
        return raw if rng.random() < 0.5 else "0" + digits[2:]  # +58 412... or 0412...
    r = rng.random()
    if r < 0.3:
        return CODES.get(host, "") + " " + raw
    if r < 0.5:
        return digits
    return raw


def document_as_written(cedula: str, rng: random.Random) -> str:
    digits = "".join(c for c in cedula if c.isdigit())
    return rng.choice([cedula, "V" + digits, digits, "V-" + digits, cedula[2:], "v " + digits])


def typo(fake: FakeNames, text: str) -> str:
    return fake.misspell(text)


def strip_accents(text: str) -> str:
    import unicodedata

    d = unicodedata.normalize("NFD", text)
    return "".join(c for c in d if not unicodedata.combining(c))


def styled(text: str, rng: random.Random) -> str:
    r = rng.random()
    if r < 0.25:
        return text.upper()
    if r < 0.45:
        return strip_accents(text)
    if r < 0.5:
        return strip_accents(text).upper()
    return text


def first_record(p, hh, host):
    born_here = p.birth_country != "VE"
    return {
        "given_names": p.given_names,
        "family_names": " ".join(x for x in (p.first_surname, p.second_surname) if x),
        "sex": p.sex,
        "birth_date": p.birth_date.isoformat(),
        "nationality": ISO3.get(p.birth_country, "VEN"),
        "document_type": "cedula" if p.cedula else "",
        "document_number": p.cedula,
        "phone": hh.phone or hh.venezuelan_phone,
        "birth_place": "" if born_here else STATES.get(p.birth_state, ""),
    }


def corrupt(base: dict, p, hh, host: str, married: str, fake: FakeNames, rng: random.Random):
    """The same person registered again by someone else."""
    rec = dict(base)
    given = p.given_names
    words = given.split(" ")
    r = rng.random()
    if len(words) > 1 and r < 0.15:
        given = words[0]  # second name left out
    elif len(words) > 1 and r < 0.18:
        given = words[1]  # known by the second name
    elif r < 0.23 and given.lower() in NICK:
        given = rng.choice(NICK[given.lower()])
    elif r < 0.23 and words[0].lower() in NICK:
        given = " ".join([rng.choice(NICK[words[0].lower()]), *words[1:]])
    elif r < 0.26 and words[0] in {"María", "José", "Juan", "Jesús"} and len(words) > 1:
        given = (
            {"María": "Ma.", "José": "J.", "Juan": "J.", "Jesús": "J."}[words[0]]
            + " "
            + (" ".join(words[1:]))
        )
    if rng.random() < 0.15:
        given = typo(fake, given)
    surnames = [s for s in (p.first_surname, p.second_surname) if s]
    r = rng.random()
    if len(surnames) == 2 and r < 0.12:
        surnames = surnames[:1]  # one surname, as on a foreign form
    elif len(surnames) == 2 and r < 0.17:
        surnames = surnames[::-1]  # mother's first
    family = " ".join(surnames)
    if married and rng.random() < 0.35:
        family = f"{surnames[0]} de {married}"
    if rng.random() < 0.15:
        family = typo(fake, family)
    rec["given_names"], rec["family_names"] = styled(given, rng), styled(family, rng)
    if rng.random() < 0.01:  # typed into each other's boxes
        rec["given_names"], rec["family_names"] = rec["family_names"], rec["given_names"]
    d = p.birth_date
    r = rng.random()
    if r < 0.04 and d.day <= 12 and d.day != d.month:
        d = date(d.year, d.day, d.month)
    elif r < 0.08:
        d = replace_year(d, d.year + rng.choice((-1, 1)))
    elif r < 0.11:
        d = replace_day(d, rng)
    elif r < 0.14:
        d = date(d.year, 1, 1)  # "about" - estimated
    rec["birth_date"] = "" if rng.random() < 0.05 else d.isoformat()
    if p.cedula:
        doc = p.cedula
        r = rng.random()
        if r < 0.3:
            doc = ""
        elif r < 0.33:
            doc = mistype_digit(doc, rng)
        elif r < 0.35:
            doc = swap_digits(doc, rng)
        rec["document_number"] = document_as_written(doc, rng) if doc else ""
        rec["document_type"] = "cedula" if doc else ""
    phone = base["phone"]
    r = rng.random()
    if r < 0.25:
        phone = fake.phone(host) if host else ""  # a new SIM in the new country
    elif r < 0.4:
        phone = ""
    rec["phone"] = phone_as_written(phone, host, rng)
    if rng.random() < 0.3:
        rec["birth_place"] = ""
    if rng.random() < 0.05:
        rec["sex"] = ""
    elif rng.random() < 0.005:
        rec["sex"] = "M" if p.sex == "F" else "F"
    if rng.random() < 0.03:
        rec["nationality"] = ""
    return rec


def replace_year(d: date, year: int) -> date:
    try:
        return d.replace(year=year)
    except ValueError:
        return d.replace(year=year, day=28)


def replace_day(d: date, rng: random.Random) -> date:
    day = d.day
    text = f"{day:02d}"
    new = int(text[::-1]) if rng.random() < 0.5 else day + rng.choice((-1, 1))
    try:
        return d.replace(day=new) if new != day else d.replace(day=max(1, day - 1))
    except ValueError:
        return d.replace(day=max(1, min(28, day - 1)))


def mistype_digit(doc: str, rng: random.Random) -> str:
    spots = [i for i, c in enumerate(doc) if c.isdigit()]
    i = rng.choice(spots)
    return doc[:i] + str((int(doc[i]) + rng.randint(1, 9)) % 10) + doc[i + 1 :]


def swap_digits(doc: str, rng: random.Random) -> str:
    spots = [i for i in range(len(doc) - 1) if doc[i].isdigit() and doc[i + 1].isdigit()]
    if not spots:
        return doc
    i = rng.choice(spots)
    return doc[:i] + doc[i + 1] + doc[i] + doc[i + 2 :]


def generate(n: int, seed: int = 1) -> tuple[list[dict], dict[str, str]]:
    rng = random.Random(seed)
    fake = FakeNames(seed, today=date(2026, 1, 1))
    rows: list[tuple[dict, str]] = []
    person = 0
    while len(rows) < n:
        host = rng.choice(("CO", "CO", "CO", "PE", "PE", "EC", "BR"))
        hh, members, spouses = person_rows(fake, rng, host)
        for p in members:
            person += 1
            pid = f"P{person}"
            base = first_record(p, hh, host)
            rows.append((base, pid))
            married = spouses.get("M", "") if p.sex == "F" and "M" in spouses else ""
            if p.relationship not in {"focal_point", "spouse"}:
                married = ""
            r = rng.random()
            extra = 0 if r < 0.65 else 1 if r < 0.88 else 2 if r < 0.97 else 3
            for _ in range(extra):
                rows.append((corrupt(base, p, hh, host, married, fake, rng), pid))
    rows = rows[:n]
    rng.shuffle(rows)
    records, truth = [], {}
    for k, (rec, pid) in enumerate(rows):
        rid = f"R{k + 1:07d}"
        records.append({"record_id": rid, **rec})
        truth[rid] = pid
    return records, truth


def write(records: list[dict], truth: dict[str, str], out: Path) -> Path:
    with out.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, FIELDS)
        w.writeheader()
        w.writerows(records)
    truth_path = out.with_suffix(".truth.csv")
    with truth_path.open("w", newline="", encoding="utf-8") as fh:
        fh.write("record_id,person_id\n")
        fh.writelines(f"{k},{v}\n" for k, v in truth.items())
    return truth_path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--records", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    records, truth = generate(args.records, args.seed)
    print("wrote", args.out, write(records, truth, args.out))


if __name__ == "__main__":
    main()
