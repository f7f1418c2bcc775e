-- url2domain(p_url text) -> citext
-- The "scheme://host" part of a URL, lower-cased: 'https://Example.org:8080/a?b' ->
-- 'https://example.org'. Socorro's pattern stopped at the first '-' in a host name; this one
-- takes the whole host. NULL for anything that is not scheme://host.
-- One expression, not STRICT: inlined into the calling query.
-- Callers: update_reports_clean (domains lookup). Pure; rerun-safe.
CREATE OR REPLACE FUNCTION url2domain(p_url text)
RETURNS citext
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE WHEN p_url ~ '^([A-Za-z][A-Za-z0-9+.-]*)://(?:[^/?#@\s]*@)?([^/?#:@\s]+)'
                THEN lower(regexp_replace(p_url, '^([A-Za-z][A-Za-z0-9+.-]*)://(?:[^/?#@\s]*@)?([^/?#:@\s]+).*$',
                                          '\1://\2'))::citext
           END;
$$;
COMMENT ON FUNCTION url2domain(text) IS
'scheme://host of a URL, lower case, without port, path or credentials; NULL when the text is not a URL. Pure helper.';
