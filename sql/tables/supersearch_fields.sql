-- supersearch_fields: the fields Super Search (/search/, /api/SuperSearch/) can filter, return,
-- sort and facet on, defined once: Socorro's list (name, namespace, in_database_name, query
-- type, permissions, exposed/returned) plus where the value lives in this schema. Read by
-- super_search() and the search form; a DBA adds a field with one INSERT.
CREATE TABLE supersearch_fields (
    name text PRIMARY KEY,
    namespace text NOT NULL,
    in_database_name text NOT NULL,
    reports_column text,
    data_type text NOT NULL,
    permissions_needed text[] NOT NULL DEFAULT '{}',
    is_exposed boolean NOT NULL DEFAULT true,
    is_returned boolean NOT NULL DEFAULT true,
    description text NOT NULL DEFAULT '',
    CONSTRAINT supersearch_fields_namespace_check CHECK (namespace IN ('processed_crash', 'raw_crash')),
    CONSTRAINT supersearch_fields_data_type_check CHECK (data_type IN ('string', 'enum', 'number', 'date', 'bool')),
    CONSTRAINT supersearch_fields_name_check CHECK (name ~ '^[A-Za-z_][A-Za-z0-9_]*$')
);
COMMENT ON TABLE supersearch_fields IS 'Super Search fields: name, where the value lives (reports_column, else processed_crash / raw_crash ->> in_database_name), type (string, enum: = ~ ^ $; number, date: = > >= < <=; bool: =; all: ! and __null__), permissions needed to filter, facet or return it, exposed (filterable) and returned (columns). Read by super_search().';
