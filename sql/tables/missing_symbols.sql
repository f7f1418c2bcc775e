-- missing_symbols: modules the stackwalker had no symbols for, one row per module and day
-- (the processor writes it with ON CONFLICT DO NOTHING, so reprocessing adds nothing twice).
CREATE TABLE missing_symbols (
    date_processed date NOT NULL,
    debug_file text,
    debug_id text,
    code_file text,
    code_id text
) PARTITION BY RANGE (date_processed);
CREATE UNIQUE INDEX missing_symbols_day_module_key ON missing_symbols (date_processed, debug_file, debug_id);
COMMENT ON TABLE missing_symbols IS 'Modules seen without symbols, by processing day (one row per debug_file/debug_id and day); the list of symbols worth uploading.';
