-- signature_comments(p_signature text, p_from timestamptz, p_to timestamptz, p_product text,
--                    p_version text, p_limit integer DEFAULT 50, p_offset integer DEFAULT 0)
--   -> TABLE (date_processed timestamptz, uuid text, product text, version text, user_comments text,
--             total bigint)
-- The signature report's comments tab (Socorro's /crashes/comments/): the crashes of a signature
-- in [p_from, p_to) that carry a user comment, newest first, one page of them, with the number
-- of such crashes in every row. p_product / p_version NULL mean all. The comments are returned
-- as stored: the web scrubs e-mail addresses and URLs for anyone without view_pii.
-- Callers: the web's signature report. Read-only.
CREATE OR REPLACE FUNCTION signature_comments(
    p_signature text,
    p_from timestamptz,
    p_to timestamptz,
    p_product text DEFAULT NULL,
    p_version text DEFAULT NULL,
    p_limit integer DEFAULT 50,
    p_offset integer DEFAULT 0
)
RETURNS TABLE (date_processed timestamptz, uuid text, product text, version text, user_comments text,
               total bigint)
LANGUAGE sql STABLE
AS $$
    SELECT r.date_processed, r.uuid::text, r.product::text, r.version::text, r.user_comments::text,
           count(*) OVER () AS total
      FROM reports r
     WHERE r.signature = p_signature
       AND r.date_processed >= p_from AND r.date_processed < p_to
       AND r.user_comments IS NOT NULL AND r.user_comments <> ''
       AND (p_product IS NULL OR r.product = p_product)
       AND (p_version IS NULL OR r.version = p_version)
     ORDER BY r.date_processed DESC, r.uuid
     LIMIT greatest(coalesce(p_limit, 50), 0) OFFSET greatest(coalesce(p_offset, 0), 0);
$$;
COMMENT ON FUNCTION signature_comments(text, timestamptz, timestamptz, text, text, integer, integer) IS
'A signature''s crashes with user comments in a time range, newest first, paginated, with the total. Comments unscrubbed: the web scrubs them. Read-only.';
