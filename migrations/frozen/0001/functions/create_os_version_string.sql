-- create_os_version_string(p_os_name citext, p_major int, p_minor int) -> citext
-- The display name of an OS version: Windows versions from windows_versions ("Windows 7",
-- else "Windows Unknown"); Mac "OS X 10.9" for 10.0-11.20 as Socorro had it, "macOS 12.4"
-- for majors 12-99 (released after Socorro's time), else "OS X Unknown"; any other OS its name.
-- Callers: update_reports_clean when it adds os_versions. Reads windows_versions; rerun-safe.
CREATE OR REPLACE FUNCTION create_os_version_string(p_os_name citext, p_major integer, p_minor integer)
RETURNS citext
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT CASE
        WHEN p_os_name ILIKE 'Windows%' THEN coalesce(
            (SELECT w.windows_version_name FROM windows_versions w
              WHERE w.major_version = p_major AND w.minor_version = p_minor),
            'Windows Unknown')::citext
        WHEN p_os_name = 'Mac OS X' THEN (CASE
            WHEN p_major BETWEEN 10 AND 11 AND p_minor BETWEEN 0 AND 20 THEN 'OS X ' || p_major || '.' || p_minor
            WHEN p_major BETWEEN 12 AND 99 AND p_minor BETWEEN 0 AND 99 THEN 'macOS ' || p_major || '.' || p_minor
            ELSE 'OS X Unknown'
        END)::citext
        ELSE p_os_name
    END;
$$;
COMMENT ON FUNCTION create_os_version_string(citext, integer, integer) IS
'Display name of an OS version: Windows from windows_versions, "OS X M.m" / "macOS M.m" for Mac, otherwise the OS name. Read-only; used when os_versions rows are added.';
