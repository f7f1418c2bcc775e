-- search_facet_days: Super Search's daily roll-up of reports, one row per UTC day of
-- date_processed and distinct (product, version, os_name, process_type, release_channel,
-- signature) with its number of crashes (level 'all'), and again per distinct (product,
-- signature) alone, the other columns NULL (level 'product_signature': a few times fewer rows,
-- for the searches that filter and count on those two only, the commonest). The columns keep the values of reports as they are
-- (NULLs too), so any Super Search filter on those fields selects the same crashes here as in
-- reports; super_search() counts totals and facets of the whole days of its range from these
-- rows instead of from every crash (a day of a million crashes is a few tens of thousands of
-- rows). Written by update_search_facets; a day counts only while search_facet_days_done lists it.
CREATE TABLE search_facet_days (
    report_day date NOT NULL,
    level text NOT NULL CHECK (level IN ('all', 'product_signature')),
    product text,
    version text,
    os_name text,
    process_type text,
    release_channel text,
    signature text,
    crashes bigint NOT NULL
);
CREATE INDEX search_facet_days_day ON search_facet_days (report_day, level, product);
CREATE INDEX search_facet_days_signature ON search_facet_days (signature, report_day, level);
-- a day's signatures of one product by count: Super Search's one-day signature facet reads its
-- top terms in this order instead of aggregating every signature of the day
CREATE INDEX search_facet_days_product_signature ON search_facet_days (report_day, product, crashes DESC, signature)
    WHERE level = 'product_signature';
COMMENT ON TABLE search_facet_days IS 'Super Search''s daily roll-up of reports (crashes per day and product, version, os_name, process_type, release_channel, signature: level all; per day, product and signature: level product_signature), written by update_search_facets; read by super_search for the whole days listed in search_facet_days_done.';
