"""Identity: deduplication (the engine in `engine/`, no Django there), review of suspected
duplicates, and family tracing and reunification."""
