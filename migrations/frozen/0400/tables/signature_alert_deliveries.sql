-- signature_alert_deliveries: which alert went to which webhook, so each is sent once.
CREATE TABLE signature_alert_deliveries (
    alert_id bigint NOT NULL REFERENCES signature_alerts (alert_id) ON DELETE CASCADE,
    target text NOT NULL,
    delivered_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (alert_id, target)
);
COMMENT ON TABLE signature_alert_deliveries IS 'Alert deliveries: target names the webhook (its kind and a hash of its URL, never the URL, which may hold a token).';
