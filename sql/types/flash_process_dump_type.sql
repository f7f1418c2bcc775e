-- flash_process_dump_type: which Flash helper process an extra dump came from.
CREATE TYPE flash_process_dump_type AS ENUM ('Sandbox', 'Broker');
COMMENT ON TYPE flash_process_dump_type IS 'Flash helper process of an extra minidump: Sandbox or Broker.';
