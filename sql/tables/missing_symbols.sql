-- missing_symbols: modules the stackwalker had no symbols for, per day (processor writes).
CREATE TABLE missing_symbols (
    date_processed date NOT NULL,
    debug_file text,
    debug_id text,
    code_file text,
    code_id text
) PARTITION BY RANGE (date_processed);
COMMENT ON TABLE missing_symbols IS 'Modules seen without symbols, by processing day; the list of symbols worth uploading.';
