-- search_facet_days_done: the days whose search_facet_days rows are complete. A processed crash
-- written into a listed day removes the day from the list (search_facets_touch, called by
-- write_processed_crash in the same transaction), so super_search counts that day from reports
-- again until update_search_facets rolls it up anew.
CREATE TABLE search_facet_days_done (
    report_day date PRIMARY KEY,
    crashes bigint NOT NULL,
    rolled_up_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE search_facet_days_done IS 'Days whose search_facet_days roll-up is complete (crashes: how many it counts). Removed by search_facets_touch when a crash of the day is written; added by update_search_facets.';
