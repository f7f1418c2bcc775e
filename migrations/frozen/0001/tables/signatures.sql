-- signatures: every crash signature ever seen, with when and in which build it first appeared.
CREATE TABLE signatures (
    signature_id serial PRIMARY KEY,
    signature text CONSTRAINT signatures_signature_key UNIQUE,
    first_report timestamptz,
    first_build numeric
);
COMMENT ON TABLE signatures IS 'Crash signatures (the lookup behind reports_clean.signature_id).';
