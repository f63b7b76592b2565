"""The matching engine: plain Python (numpy / DuckDB / rapidfuzz), no Django imports, so the
same code serves the command line, the registry, a worker and a distributed engine.

Contract shared by the CLI, the registry's duplicate hook and the review screens (keep it):

    Record(record_id, given_names, family_names, sex, birth_date, nationality,
           document_type, document_number, phone, birth_place)      # all str, "" if unknown
    compare(a: Record, b: Record, model: Model | None = None) -> Comparison
        Comparison.probability (0..1), .match_weight (log2 Bayes factor),
        .evidence: dict[field, level]  e.g. {"given_names": "phonetic", "birth_date": "swapped"}
    blocking_keys(r: Record) -> list[str]
    default_model() -> Model        # shipped parameters, usable without training
    dedupe(records, model=None) -> dict[record_id, cluster_id]
"""
