-- explosiveness: how suddenly each signature's crash rate rose, per version and day (update_explosiveness).
CREATE TABLE explosiveness (
    product_version_id integer NOT NULL,
    signature_id integer NOT NULL,
    last_date date NOT NULL,
    oneday numeric,
    threeday numeric,
    day0 numeric,
    day1 numeric,
    day2 numeric,
    day3 numeric,
    day4 numeric,
    day5 numeric,
    day6 numeric,
    day7 numeric,
    day8 numeric,
    day9 numeric,
    PRIMARY KEY (product_version_id, signature_id, last_date)
);
CREATE INDEX explosiveness_last_date ON explosiveness (last_date);
-- the explosive signatures page: a day's most explosive first (explosive_signatures.score)
CREATE INDEX explosiveness_last_date_score ON explosiveness (last_date, greatest(oneday, threeday) DESC NULLS LAST);
COMMENT ON TABLE explosiveness IS 'Explosive signatures ending on last_date: oneday/threeday scores (rise over the previous days'' average, scaled by their spread) and the crashes per million ADI of the 10 days day0 (last_date) .. day9.';
