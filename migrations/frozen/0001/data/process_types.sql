-- Seed rows (Socorro staticdata): process kinds. Rerun-safe.
INSERT INTO process_types (process_type) VALUES ('browser'), ('plugin'), ('content')
ON CONFLICT DO NOTHING;
