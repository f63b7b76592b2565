"""Identity: deduplication (the engine in `engine/`, no Django there), review of suspected
duplicates, and family tracing and reunification.

Layer: lib -> geo -> audit -> accounts -> registry -> identity -> coordination: identity uses
lib, geo, audit, accounts and registry; only coordination and the project's shell (web, api,
urls) may import identity, and the
`engine` package imports no Django (a test loads it in a fresh interpreter to prove it).
Access rules: `identity.policies`. Everything that scores people goes through `matching`
(the one door to the engine). `registry_dedupe.run` deduplicates a country's registry into
review tickets (the `dedupe --registry` command and the managers' button call it);
`services.review` decides tickets (merge, not the same person, later) and undoes merges;
`services.tracing` is the one place that reads people across organisations, to find a
relative who consented to family tracing; `services.reunification` walks a confirmed match
to reunification. `services.survivor_of(person)` names the record that now stands for a
merged one.
"""
