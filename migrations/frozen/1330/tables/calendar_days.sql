-- calendar_days: every UTC day from 2000-01-01 to 2099-12-31, one row each. Views that offer a
-- row per day for any day a reader may filter on (top_crashers' end_date; report_windows pairs
-- it with itself for start_date and end_date) cross join this instead of generate_series: a
-- filter on the day is then an index look-up, not a scan of ~10,000 generated days on every
-- query. Read-only; filled when the table is made.
CREATE TABLE calendar_days (
    day date PRIMARY KEY
);
INSERT INTO calendar_days (day)
SELECT g::date FROM generate_series(date '2000-01-01', date '2099-12-31', interval '1 day') AS g;
COMMENT ON TABLE calendar_days IS 'Every day 2000-01-01..2099-12-31, one row each: views cross join it to offer a row per day (top_crashers end_date) with an index look-up on the day. Read-only.';
