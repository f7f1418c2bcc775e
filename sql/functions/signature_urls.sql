-- signature_urls(p_signature text, p_from timestamptz, p_to timestamptz, p_product text,
--                p_version text, p_limit integer DEFAULT 100)
--   -> TABLE (url text, crash_count bigint)
-- The signature report's URLs tab (Socorro's /signatureurls/): the URLs the crashes of a
-- signature in [p_from, p_to) were on, with their crash counts, most frequent first. The URLs
-- are private data: the web shows only the counts to anyone without view_pii.
-- Callers: the web's signature report. Read-only.
CREATE OR REPLACE FUNCTION signature_urls(
    p_signature text,
    p_from timestamptz,
    p_to timestamptz,
    p_product text DEFAULT NULL,
    p_version text DEFAULT NULL,
    p_limit integer DEFAULT 100
)
RETURNS TABLE (url text, crash_count bigint)
LANGUAGE sql STABLE
AS $$
    SELECT r.url::text, count(*) AS crash_count
      FROM reports r
     WHERE r.signature = p_signature
       AND r.date_processed >= p_from AND r.date_processed < p_to
       AND r.url IS NOT NULL AND r.url <> ''
       AND (p_product IS NULL OR r.product = p_product)
       AND (p_version IS NULL OR r.version = p_version)
     GROUP BY r.url
     ORDER BY count(*) DESC, r.url
     LIMIT greatest(coalesce(p_limit, 100), 0);
$$;
COMMENT ON FUNCTION signature_urls(text, timestamptz, timestamptz, text, text, integer) IS
'URLs of a signature''s crashes in a time range with their crash counts (private: the web shows counts only without view_pii). Read-only.';
