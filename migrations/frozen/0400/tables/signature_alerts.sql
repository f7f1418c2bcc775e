-- signature_alerts: one row per alert raised by the signature-alerts job: a signature new in a
-- product's top crashers, or one whose explosiveness crossed the threshold, on a report date.
CREATE TABLE signature_alerts (
    alert_id bigserial PRIMARY KEY,
    report_date date NOT NULL,
    product_name citext NOT NULL,
    signature text NOT NULL,
    kind text NOT NULL,
    details jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT signature_alerts_kind_check CHECK (kind IN ('new_top_crasher', 'explosive')),
    CONSTRAINT signature_alerts_once UNIQUE (product_name, signature, kind, report_date)
);
CREATE INDEX signature_alerts_report_date ON signature_alerts (report_date);
COMMENT ON TABLE signature_alerts IS 'Alerts raised by the signature-alerts job (kind new_top_crasher or explosive, with rank/counts/scores in details); unique per product, signature, kind and day.';
