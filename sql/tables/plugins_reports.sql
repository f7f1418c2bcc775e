-- plugins_reports: the plugin of each plugin crash; partitions reference reports_<week>(id).
CREATE TABLE plugins_reports (
    report_id bigint NOT NULL,
    plugin_id integer NOT NULL,
    date_processed timestamptz NOT NULL,
    version text NOT NULL
) PARTITION BY RANGE (date_processed);
COMMENT ON TABLE plugins_reports IS 'Plugin and plugin version of each plugin crash; each weekly partition has a foreign key to the same week''s reports partition.';
