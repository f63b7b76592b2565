"""Identity: deduplication (the engine in `engine/`, no Django there), review of suspected
duplicates, and family tracing and reunification.

Imports point one way: identity uses lib, geo, accounts, audit and registry; only
coordination may import identity. Everything that scores people goes through `matching`
(the one door to the engine). `registry_run.run` deduplicates a country's registry into
review tickets (the `dedupe --registry` command and the managers' button call it);
`services.review` decides tickets (merge, not the same person, later) and undoes merges;
`services.tracing` is the one place that reads people across organisations, to find a
relative who consented to family tracing; `services.reunification` walks a confirmed match
to reunification. `services.survivor_of(person)` names the record that now stands for a
merged one.
"""
