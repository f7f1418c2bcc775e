-- url2domain(p_url text) -> citext
-- The "scheme://host" part of a URL, lower-cased: 'https://Example.org:8080/a?b' ->
-- 'https://example.org'. Socorro's pattern stopped at the first '-' in a host name; this one
-- takes the whole host. NULL for anything that is not scheme://host.
-- PL/pgSQL so the regex runs once per call (an inlined SQL version needed it twice).
-- Callers: update_reports_clean (domains lookup). Pure; rerun-safe.
CREATE OR REPLACE FUNCTION url2domain(p_url text)
RETURNS citext
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
AS $$
DECLARE
    v_match text[] := regexp_match(p_url, '^([A-Za-z][A-Za-z0-9+.-]*)://(?:[^/?#@\s]*@)?([^/?#:@\s]+)');
BEGIN
    RETURN lower(v_match[1] || '://' || v_match[2])::citext;
END;
$$;
COMMENT ON FUNCTION url2domain(text) IS
'scheme://host of a URL, lower case, without port, path or credentials; NULL when the text is not a URL. Pure helper.';
