-- adu_by_signature: the signature report's "crashes and ADI by build" graph
-- (/crashes/adu_by_signature/): crashes of a signature per day, build and OS beside the build
-- date's ADI.
-- Web: WHERE product_name = ? AND signature = ? AND channel = ? AND adu_date BETWEEN ? AND ?
-- Read-only.
CREATE OR REPLACE VIEW adu_by_signature AS
SELECT c.product_name, c.channel, c.signature, c.signature_id, c.adu_date, c.build_date, c.buildid, c.os_name,
       c.crash_count, c.adu_count
  FROM crash_adu_by_build_signature c;
COMMENT ON VIEW adu_by_signature IS 'Crashes per signature, day, build and OS beside the build date''s ADI (nightly, aurora, rapid betas). Read by the signature report; read-only.';
