-- Latest accepted delivery of each service (ingest/deliveries.py, gated by quality/roadmap_gate.py).
{{ latest_delivery('roadmap_actions') }}
