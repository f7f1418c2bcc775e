-- version_sort(p_version text, p_beta_no int DEFAULT 0, p_channel citext DEFAULT '') -> text
-- A sort key for product versions: major, minor and patch (3 digits each), then a letter
-- (a = alpha: nightly a1, aurora a2; b = beta, b099 for a final "(beta)"; r = release;
-- x = ESR) and a 3-digit number. '38.0b3' -> '038000000b003', '31.5.0esr' -> '031005000x000'.
-- A beta number > 0 or a channel overrides what the version string says.
-- Callers: update_product_versions, version_sort_trigger, views ordering versions. Pure.
CREATE OR REPLACE FUNCTION version_sort(p_version text, p_beta_no integer DEFAULT 0, p_channel citext DEFAULT '')
RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
DECLARE
    v_parts  text[];
    v_letter text;
    v_number text;
BEGIN
    -- 1 major, 2 minor, 3 letter after minor, 4 its number, 5 patch, 6 letter after patch, 7 its number
    v_parts := regexp_match(p_version, '^(\d+)\.(\d+)([a-zA-Z]*)(\d*)(?:\.(\d+))?(?:([a-zA-Z]+)(\d*))?');
    IF v_parts IS NULL THEN
        RETURN NULL;
    END IF;
    v_letter := lower(coalesce(nullif(v_parts[3], ''), v_parts[6], ''));
    v_number := coalesce(nullif(v_parts[4], ''), v_parts[7], '');

    IF coalesce(p_beta_no, 0) > 0 THEN
        v_letter := 'b';
        v_number := p_beta_no::text;
    END IF;
    IF p_version LIKE '%(beta)%' THEN
        v_letter := 'b';
        v_number := '99';
    END IF;

    CASE lower(coalesce(p_channel, ''))
        WHEN 'nightly' THEN v_letter := 'a'; v_number := '1';
        WHEN 'aurora' THEN v_letter := 'a'; v_number := '2';
        WHEN 'beta' THEN v_letter := 'b'; v_number := coalesce(nullif(v_number, ''), '99');
        WHEN 'release' THEN v_letter := 'r'; v_number := '';
        WHEN 'esr' THEN v_letter := 'x'; v_number := '';
        ELSE NULL;
    END CASE;

    v_letter := CASE
        WHEN v_letter = 'esr' THEN 'x'
        WHEN v_letter IN ('a', 'b', 'r', 'x') THEN v_letter
        WHEN v_letter = '' THEN 'r'
        ELSE left(v_letter, 1)
    END;

    RETURN version_sort_digit(v_parts[1])
        || version_sort_digit(v_parts[2])
        || version_sort_digit(v_parts[5])
        || v_letter
        || version_sort_digit(v_number);
END;
$$;
COMMENT ON FUNCTION version_sort(text, integer, citext) IS
'Sortable key of a version: major/minor/patch as 3 digits each, a letter (a alpha, b beta, r release, x ESR) and a 3-digit number; NULL for a version that does not start with <n>.<n>. Pure helper.';
