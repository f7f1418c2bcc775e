-- signature_summary_for(p_signature_id, p_start_date, p_end_date, p_product_version_id)
--   -> TABLE (report_type text, category text, report_count bigint, percentage numeric, install_count bigint)
-- The signature summary page's tables for one signature over [p_start_date, p_end_date]: one
-- row per report_type and category, with its share of the report type's crashes:
--   products (category "Product version"), uptime, os, process_type, architecture,
--   flash_version, distinct_install (crashes and installations per product version), devices
--   (Android), graphics (adapter names when known, else their ids) and exploitability (high,
--   medium, low, none, unrated).
-- p_product_version_id limits it to one version; NULL means every version of every product
-- (rapid-beta parents left out, their betas being counted).
-- Callers: the signature_summary view. Read-only.
CREATE OR REPLACE FUNCTION signature_summary_for(
    p_signature_id integer,
    p_start_date date,
    p_end_date date,
    p_product_version_id integer
)
RETURNS TABLE (report_type text, category text, report_count bigint, percentage numeric, install_count bigint)
LANGUAGE sql STABLE
AS $$
    -- the versions in scope as one array, tested on each summary row (a join to a list of
    -- versions would have the planner loop over the summary partitions once per version)
    WITH scope AS MATERIALIZED (
        SELECT coalesce(array_agg(pv.product_version_id), '{}') AS ids FROM product_versions pv
         WHERE (p_product_version_id IS NULL AND NOT coalesce(pv.is_rapid_beta, false))
            OR pv.product_version_id = p_product_version_id
    ),
    parts AS (
        SELECT 'products' AS report_type, t.product_name || ' ' || t.version_string AS category,
               sum(t.report_count) AS report_count, NULL::bigint AS install_count
          FROM signature_summary_products t
         WHERE t.signature_id = p_signature_id AND t.report_date BETWEEN p_start_date AND p_end_date
           AND t.product_version_id = ANY ((SELECT sc.ids FROM scope sc)::integer[])
         GROUP BY 2
        UNION ALL
        SELECT 'uptime', t.uptime_string::text, sum(t.report_count), NULL
          FROM signature_summary_uptime t
         WHERE t.signature_id = p_signature_id AND t.report_date BETWEEN p_start_date AND p_end_date
           AND t.product_version_id = ANY ((SELECT sc.ids FROM scope sc)::integer[])
         GROUP BY 2
        UNION ALL
        SELECT 'os', t.os_version_string::text, sum(t.report_count), NULL
          FROM signature_summary_os t
         WHERE t.signature_id = p_signature_id AND t.report_date BETWEEN p_start_date AND p_end_date
           AND t.product_version_id = ANY ((SELECT sc.ids FROM scope sc)::integer[])
         GROUP BY 2
        UNION ALL
        SELECT 'process_type', t.process_type::text, sum(t.report_count), NULL
          FROM signature_summary_process_type t
         WHERE t.signature_id = p_signature_id AND t.report_date BETWEEN p_start_date AND p_end_date
           AND t.product_version_id = ANY ((SELECT sc.ids FROM scope sc)::integer[])
         GROUP BY 2
        UNION ALL
        SELECT 'architecture', t.architecture::text, sum(t.report_count), NULL
          FROM signature_summary_architecture t
         WHERE t.signature_id = p_signature_id AND t.report_date BETWEEN p_start_date AND p_end_date
           AND t.product_version_id = ANY ((SELECT sc.ids FROM scope sc)::integer[])
         GROUP BY 2
        UNION ALL
        SELECT 'flash_version', t.flash_version::text, sum(t.report_count), NULL
          FROM signature_summary_flash_version t
         WHERE t.signature_id = p_signature_id AND t.report_date BETWEEN p_start_date AND p_end_date
           AND t.product_version_id = ANY ((SELECT sc.ids FROM scope sc)::integer[])
         GROUP BY 2
        UNION ALL
        SELECT 'distinct_install', t.product_name || ' ' || t.version_string, sum(t.crash_count), sum(t.install_count)
          FROM signature_summary_installations t
         WHERE t.signature_id = p_signature_id AND t.report_date BETWEEN p_start_date AND p_end_date
           AND t.product_version_id = ANY ((SELECT sc.ids FROM scope sc)::integer[])
         GROUP BY 2
        UNION ALL
        SELECT 'devices', format('%s %s (Android %s, %s)', d.android_manufacturer, d.android_model,
                                 d.android_version, d.android_cpu_abi), sum(t.report_count), NULL
          FROM signature_summary_device t
          JOIN android_devices d ON d.android_device_id = t.android_device_id
         WHERE t.signature_id = p_signature_id AND t.report_date BETWEEN p_start_date AND p_end_date
           AND t.product_version_id = ANY ((SELECT sc.ids FROM scope sc)::integer[])
         GROUP BY 2
        UNION ALL
        SELECT 'graphics', coalesce(g.vendor_name, g.vendor_hex) || ' ' || coalesce(g.adapter_name, g.adapter_hex),
               sum(t.report_count), NULL
          FROM signature_summary_graphics t
          JOIN graphics_device g ON g.graphics_device_id = t.graphics_device_id
         WHERE t.signature_id = p_signature_id AND t.report_date BETWEEN p_start_date AND p_end_date
           AND t.product_version_id = ANY ((SELECT sc.ids FROM scope sc)::integer[])
         GROUP BY 2
        UNION ALL
        SELECT 'exploitability', x.rating, sum(x.n), NULL
          FROM exploitability_reports e
         CROSS JOIN LATERAL (VALUES ('high', e.high_count), ('medium', e.medium_count), ('low', e.low_count),
                                    ('none', e.none_count), ('unrated', e.null_count)) AS x(rating, n)
         WHERE e.signature_id = p_signature_id AND e.report_date BETWEEN p_start_date AND p_end_date
           AND e.product_version_id = ANY ((SELECT sc.ids FROM scope sc)::integer[])
         GROUP BY 2
    )
    SELECT p.report_type, p.category, p.report_count::bigint,
           round(p.report_count::numeric / nullif(sum(p.report_count) OVER (PARTITION BY p.report_type), 0), 5),
           p.install_count::bigint
      FROM parts p
$$;
COMMENT ON FUNCTION signature_summary_for(integer, date, date, integer) IS
'Signature summary tables (products, uptime, os, process type, architecture, flash version, installations, devices, graphics, exploitability) of one signature over a date range, for one version or all. Read by the signature_summary view; read-only.';
