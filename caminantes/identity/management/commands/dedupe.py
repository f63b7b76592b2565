"""caminantes dedupe INPUT.csv --out OUTPUT.csv   (no database)
caminantes dedupe --registry --country CO         (the registry; opens review tickets)"""

from __future__ import annotations

import importlib
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from caminantes.identity.engine import Model, default_model
from caminantes.identity.engine.batch import TRAIN_MIN, dedupe_and_model
from caminantes.identity.engine.io import InputError, read_records, write_clusters


class Command(BaseCommand):
    help = (
        "Find the records of one person. File mode reads a CSV with the columns record_id, "
        "given_names, family_names, sex, birth_date, nationality, document_type, "
        "document_number, phone, birth_place and writes record_id,cluster_id; it needs no "
        "database. --registry runs over a country's registry and opens review tickets."
    )
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("input", nargs="?", help="CSV file to deduplicate")
        parser.add_argument("--out", help="where to write record_id,cluster_id")
        parser.add_argument(
            "--threshold", type=float, help="match probability to join two records (0-1)"
        )
        parser.add_argument(
            "--model",
            help="a model JSON to score with as it is (default: the shipped one, trained on "
            "the input)",
        )
        train = parser.add_mutually_exclusive_group()
        train.add_argument(
            "--train",
            action="store_true",
            help="estimate m and u on the input first, whatever its size (the default from "
            f"{TRAIN_MIN:,} records, unless --model is given)",
        )
        train.add_argument(
            "--no-train",
            action="store_true",
            help="score with the model as it is, without estimating m and u on the input",
        )
        parser.add_argument("--save-model", help="write the model used to this JSON file")
        parser.add_argument("--registry", action="store_true", help="run over the registry")
        parser.add_argument("--country", help="ISO 3166-1 alpha-2, with --registry")

    def handle(self, *args: Any, **opts: Any) -> None:
        threshold = opts["threshold"]
        if threshold is not None and not 0 < threshold < 1:
            raise CommandError("--threshold must be between 0 and 1")
        if opts["registry"]:
            self._registry(opts, threshold)
            return
        if not opts["input"] or not opts["out"]:
            raise CommandError("give an input CSV and --out OUTPUT.csv (or --registry)")
        model = self._model(opts["model"])
        started = time.perf_counter()
        try:
            records = read_records(opts["input"])
        except InputError as exc:
            raise CommandError(str(exc)) from exc
        # m and u estimated on the input unless told otherwise (a saved model is used as
        # it is); the model actually used is returned, so --save-model keeps it
        fit: bool | None = None
        if opts["train"]:
            fit = True
        elif opts["no_train"] or opts["model"]:
            fit = False
        clusters, model = dedupe_and_model(records, model, threshold=threshold, fit=fit)
        try:
            write_clusters(opts["out"], clusters.items())
        except OSError as exc:
            raise CommandError(f"cannot write {opts['out']}: {exc.strerror or exc}") from exc
        if opts["save_model"]:
            Path(opts["save_model"]).write_text(model.to_json(), encoding="utf-8")
        people = len(set(clusters.values()))
        self.stdout.write(
            f"{len(records)} records, {people} people, "
            f"{time.perf_counter() - started:.1f} s -> {opts['out']}"
        )

    def _model(self, path: str | None) -> Model:
        if not path:
            return default_model()
        try:
            return Model.load(path)
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(f"cannot read the model {path}: {exc}") from exc

    def _registry(self, opts: dict[str, Any], threshold: float | None) -> None:
        country = (opts["country"] or "").strip().upper()
        if len(country) != 2 or not country.isalpha():
            raise CommandError("--registry needs --country with an ISO 3166-1 alpha-2 code")
        if opts["input"]:
            raise CommandError("give either an input file or --registry, not both")
        try:
            registry_dedupe = importlib.import_module("caminantes.identity.registry_dedupe")
        except ModuleNotFoundError as exc:
            if exc.name != "caminantes.identity.registry_dedupe":
                raise
            raise CommandError(
                "deduplicating the registry is not available in this installation"
            ) from exc
        registry_dedupe.run(country=country, stdout=self.stdout, threshold=threshold)
