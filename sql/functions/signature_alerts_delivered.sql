-- signature_alerts_delivered(p_target text, p_alert_ids bigint[]) -> integer
-- Records that the alerts p_alert_ids reached the webhook p_target (so they are never sent
-- there again); returns how many deliveries were new.
-- Callers: the signature-alerts job, right after a webhook accepted a message. Rerun-safe.
CREATE OR REPLACE FUNCTION signature_alerts_delivered(p_target text, p_alert_ids bigint[])
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    v_new integer;
BEGIN
    IF p_target IS NULL OR p_target = '' THEN
        RAISE EXCEPTION 'signature_alerts_delivered: no target given'
            USING ERRCODE = 'null_value_not_allowed',
                  HINT = 'the target names the webhook (kind:hash), as signature_alerts_pending was given';
    END IF;
    INSERT INTO signature_alert_deliveries (alert_id, target)
    SELECT DISTINCT a, p_target FROM unnest(p_alert_ids) AS a
    ON CONFLICT DO NOTHING;
    GET DIAGNOSTICS v_new = ROW_COUNT;
    RETURN v_new;
END;
$$;
COMMENT ON FUNCTION signature_alerts_delivered(text, bigint[]) IS
'Records deliveries of alerts to a webhook target; returns how many were new. Called by the signature-alerts job after each accepted message; rerun-safe.';
