-- crash_adu_by_build_signature: crashes per build and signature beside the build's ADI
-- (update_crash_adu_by_build_signature); the signature report's "ADI by build" graph.
CREATE TABLE crash_adu_by_build_signature (
    crash_adu_by_build_signature_id serial PRIMARY KEY,
    signature_id integer NOT NULL,
    signature text NOT NULL,
    adu_date date NOT NULL,
    build_date date NOT NULL,
    buildid numeric,
    crash_count integer NOT NULL DEFAULT 0,
    adu_count bigint NOT NULL DEFAULT 0,
    os_name citext NOT NULL,
    channel citext NOT NULL,
    product_name citext NOT NULL,
    CONSTRAINT crash_adu_by_build_signature_key
        UNIQUE NULLS NOT DISTINCT (adu_date, product_name, channel, build_date, buildid, os_name, signature_id)
);
CREATE INDEX crash_adu_by_build_signature_signature ON crash_adu_by_build_signature (signature, product_name, adu_date);
COMMENT ON TABLE crash_adu_by_build_signature IS 'Per day, product, channel, build and OS: crashes of each signature and the build date''s ADI; builds with ADI but no crash have one row with signature_id 0 and no buildid.';
