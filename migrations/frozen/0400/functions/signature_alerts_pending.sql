-- signature_alerts_pending(p_target text, p_since date) -> TABLE(alert_id bigint, report_date date,
--     product_name text, signature text, kind text, details jsonb)
-- The alerts of report dates p_since and later not yet delivered to the webhook p_target, by
-- product, kind and rank/score. A webhook added later does not receive old alerts.
-- Callers: the signature-alerts job. Read-only.
CREATE OR REPLACE FUNCTION signature_alerts_pending(p_target text, p_since date)
RETURNS TABLE (alert_id bigint, report_date date, product_name text, signature text, kind text, details jsonb)
LANGUAGE sql
STABLE
AS $$
    SELECT a.alert_id, a.report_date, a.product_name::text, a.signature, a.kind, a.details
      FROM signature_alerts a
     WHERE a.report_date >= p_since
       AND NOT EXISTS (SELECT 1 FROM signature_alert_deliveries d
                        WHERE d.alert_id = a.alert_id AND d.target = p_target)
     ORDER BY a.product_name, a.report_date, a.kind DESC, a.alert_id
$$;
COMMENT ON FUNCTION signature_alerts_pending(text, date) IS
'Alerts since p_since not yet delivered to the webhook p_target, ordered by product, day and kind. Called by the signature-alerts job; read-only.';
