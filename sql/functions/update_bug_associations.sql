-- update_bug_associations(p_bugs jsonb) -> TABLE(bugs_saved integer, bugs_deleted integer,
--                                             associations_added integer, associations_removed integer,
--                                             signatures_unknown integer)
-- Folds bugs as the Bugzilla REST API returns them (an array of {"id", "status", "resolution",
-- "summary", "cf_crash_signature"}) into bugs and bug_associations, as Socorro's
-- bugzilla-associations job did: a bug whose crash-signature field names no signature is
-- deleted (with its associations); otherwise its status, resolution and summary are saved,
-- associations it no longer names are removed, and each signature it names is associated
-- when crashes with that signature exist (signatures table or reports); a bug left with no
-- association is not kept. Returns what changed.
-- Callers: the bugzilla-associations job, one page of bugs at a time. Rerun-safe.
CREATE OR REPLACE FUNCTION update_bug_associations(p_bugs jsonb)
RETURNS TABLE (bugs_saved integer, bugs_deleted integer, associations_added integer,
               associations_removed integer, signatures_unknown integer)
LANGUAGE plpgsql
AS $$
DECLARE
    v_saved    integer := 0;
    v_deleted  integer := 0;
    v_added    integer := 0;
    v_removed  integer := 0;
    v_unknown  integer := 0;
    v_bad      jsonb;
BEGIN
    IF p_bugs IS NULL OR jsonb_typeof(p_bugs) <> 'array' THEN
        RAISE EXCEPTION 'update_bug_associations: expected a JSON array of bugs, got %', jsonb_typeof(p_bugs)
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'pass the "bugs" array of a Bugzilla /rest/bug answer';
    END IF;
    SELECT b INTO v_bad
      FROM jsonb_array_elements(p_bugs) AS e(b)
     WHERE jsonb_typeof(b) <> 'object' OR COALESCE(b ->> 'id', '') !~ '^[0-9]{1,9}$'
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'update_bug_associations: a bug without a numeric id: %', left(v_bad::text, 200)
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'ask Bugzilla for include_fields=id,status,resolution,summary,cf_crash_signature';
    END IF;

    CREATE TEMP TABLE bug_update ON COMMIT DROP AS
    SELECT DISTINCT ON ((b ->> 'id')::integer)
           (b ->> 'id')::integer AS id,
           COALESCE(b ->> 'status', '') AS status,
           COALESCE(b ->> 'resolution', '') AS resolution,
           COALESCE(b ->> 'summary', b ->> 'short_desc', '') AS short_desc,
           parse_crash_signatures(b ->> 'cf_crash_signature') AS signatures
      FROM jsonb_array_elements(p_bugs) WITH ORDINALITY AS e(b, n)
     ORDER BY (b ->> 'id')::integer, n DESC;

    DELETE FROM bugs WHERE id IN (SELECT id FROM bug_update WHERE signatures = '{}');
    GET DIAGNOSTICS v_deleted = ROW_COUNT;

    INSERT INTO bugs (id, status, resolution, short_desc)
    SELECT id, status, resolution, short_desc FROM bug_update WHERE signatures <> '{}'
    ON CONFLICT (id) DO UPDATE
       SET status = EXCLUDED.status, resolution = EXCLUDED.resolution, short_desc = EXCLUDED.short_desc
     WHERE (bugs.status, bugs.resolution, bugs.short_desc)
           IS DISTINCT FROM (EXCLUDED.status, EXCLUDED.resolution, EXCLUDED.short_desc);

    DELETE FROM bug_associations a
     USING bug_update u
     WHERE a.bug_id = u.id AND u.signatures <> '{}' AND NOT (a.signature = ANY (u.signatures));
    GET DIAGNOSTICS v_removed = ROW_COUNT;

    CREATE TEMP TABLE bug_update_signature ON COMMIT DROP AS
    SELECT u.id, s.signature,
           EXISTS (SELECT 1 FROM signatures g WHERE g.signature = s.signature)
           OR EXISTS (SELECT 1 FROM reports r WHERE r.signature = s.signature) AS known
      FROM bug_update u
     CROSS JOIN LATERAL unnest(u.signatures) AS s(signature);

    SELECT count(*) INTO v_unknown FROM bug_update_signature WHERE NOT known;

    INSERT INTO bug_associations (signature, bug_id)
    SELECT signature, id FROM bug_update_signature WHERE known
    ON CONFLICT DO NOTHING;
    GET DIAGNOSTICS v_added = ROW_COUNT;

    -- a bug is only useful through its associations (Socorro's "no useful information")
    DELETE FROM bugs b
     USING bug_update u
     WHERE b.id = u.id AND NOT EXISTS (SELECT 1 FROM bug_associations a WHERE a.bug_id = b.id);

    SELECT count(*) INTO v_saved
      FROM bugs b JOIN bug_update u ON u.id = b.id;

    DROP TABLE bug_update;
    DROP TABLE bug_update_signature;
    RETURN QUERY SELECT v_saved, v_deleted, v_added, v_removed, v_unknown;
END;
$$;
COMMENT ON FUNCTION update_bug_associations(jsonb) IS
'Upserts bugs (Bugzilla REST objects) and their [@ signature] associations: bugs without signatures are deleted, stale associations removed, signatures with crashes associated, bugs left without associations not kept. Called by the bugzilla-associations job; rerun-safe.';
