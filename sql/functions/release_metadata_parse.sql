-- release_metadata_parse(p_doc jsonb) -> TABLE(doc_index integer, product_name text, version text,
--     update_channel text, build_id numeric, platform text, beta_number integer, repository text,
--     version_build text, is_new boolean, error text)
-- Reads release-engineering build metadata into add_new_release's arguments, one row per build
-- document, in the shapes the release-metadata job accepts:
--   * archive.mozilla.org build info (*.json next to each build): moz_app_name, moz_app_version,
--     moz_update_channel, buildid, moz_pkg_platform, moz_source_repo;
--   * Buildhub records: source.product, target.version, target.channel, build.id,
--     target.platform, source.tree or source.repository, build.number;
--   * a flat record: product, version, channel, build_id, platform, repository, beta_number,
--     version_build;
-- p_doc may be one document, an array of them, a Buildhub search answer (hits.hits[]._source)
-- or a Kinto record list (data[]). Betas written "57.0b6" become version 57.0, beta_number 6;
-- a repository URL or tree keeps its last path element; channels are lower-cased. A document
-- that cannot be read gets error set and NULL fields. is_new says the build is not yet in
-- releases_raw.
-- Callers: the release-metadata job. Read-only.
CREATE OR REPLACE FUNCTION release_metadata_parse(p_doc jsonb)
RETURNS TABLE (doc_index integer, product_name text, version text, update_channel text, build_id numeric,
               platform text, beta_number integer, repository text, version_build text,
               is_new boolean, error text)
LANGUAGE sql
STABLE
AS $$
    WITH docs AS (
        SELECT e.n::integer AS doc_index, e.d
          FROM jsonb_array_elements(
                   CASE
                       WHEN jsonb_typeof(p_doc) = 'array' THEN p_doc
                       WHEN jsonb_typeof(p_doc) = 'object' AND jsonb_typeof(p_doc #> '{hits,hits}') = 'array'
                           THEN jsonb_path_query_array(p_doc, '$.hits.hits[*]._source')
                       WHEN jsonb_typeof(p_doc) = 'object' AND jsonb_typeof(p_doc -> 'data') = 'array'
                           THEN p_doc -> 'data'
                       ELSE jsonb_build_array(p_doc)
                   END) WITH ORDINALITY AS e(d, n)
    ), raw AS (
        SELECT doc_index,
               jsonb_typeof(d) = 'object' AS is_object,
               nullif(btrim(COALESCE(d ->> 'product', d #>> '{source,product}', d ->> 'moz_app_name')), '') AS product,
               nullif(btrim(COALESCE(d ->> 'version', d #>> '{target,version}', d ->> 'moz_app_version')), '') AS full_version,
               nullif(lower(btrim(COALESCE(d ->> 'channel', d ->> 'update_channel', d #>> '{target,channel}',
                                           d ->> 'moz_update_channel'))), '') AS channel,
               nullif(btrim(COALESCE(d ->> 'build_id', d ->> 'buildid', d #>> '{build,id}')), '') AS build_text,
               nullif(btrim(COALESCE(d ->> 'platform', d #>> '{target,platform}', d ->> 'moz_pkg_platform')), '') AS platform,
               nullif(btrim(COALESCE(d ->> 'repository', d #>> '{source,tree}', d #>> '{source,repository}',
                                     d ->> 'moz_source_repo')), '') AS repo_text,
               nullif(btrim(d ->> 'beta_number'), '') AS beta_text,
               nullif(btrim(COALESCE(d ->> 'version_build', 'build' || (d #>> '{build,number}'))), '') AS version_build
          FROM docs
    ), checked AS (
        SELECT r.*,
               CASE
                   WHEN NOT r.is_object THEN 'not a JSON object'
                   WHEN r.product IS NULL OR r.full_version IS NULL OR r.channel IS NULL
                        OR r.build_text IS NULL OR r.platform IS NULL
                       THEN 'missing ' || array_to_string(ARRAY[
                                CASE WHEN r.product IS NULL THEN 'product' END,
                                CASE WHEN r.full_version IS NULL THEN 'version' END,
                                CASE WHEN r.channel IS NULL THEN 'channel' END,
                                CASE WHEN r.build_text IS NULL THEN 'build id' END,
                                CASE WHEN r.platform IS NULL THEN 'platform' END], ', ')
                   WHEN r.build_text !~ '^[0-9]{8,16}$'
                       THEN format('build id %s is not YYYYMMDDhhmmss digits', quote_literal(r.build_text))
                   WHEN r.beta_text IS NOT NULL AND r.beta_text !~ '^[0-9]{1,4}$'
                       THEN format('beta_number %s is not a number', quote_literal(r.beta_text))
               END AS error,
               substring(r.full_version FROM '^(.*[0-9])b([0-9]+)$') AS beta_base,
               substring(r.full_version FROM '^.*[0-9]b([0-9]+)$') AS beta_from_version
          FROM raw r
    ), releases AS (
        SELECT c.doc_index,
               c.product,
               CASE WHEN c.channel = 'beta' AND c.beta_base IS NOT NULL THEN c.beta_base ELSE c.full_version END AS version,
               c.channel,
               c.build_text::numeric AS build_id,
               c.platform,
               COALESCE(c.beta_text, CASE WHEN c.channel = 'beta' THEN c.beta_from_version END)::integer AS beta_number,
               nullif(regexp_replace(rtrim(c.repo_text, '/'), '^.*/', ''), '') AS repository,
               c.version_build
          FROM checked c
         WHERE c.error IS NULL
    )
    SELECT r.doc_index, r.product, r.version, r.channel, r.build_id, r.platform, r.beta_number,
           r.repository, r.version_build,
           NOT EXISTS (
               SELECT 1
                 FROM releases_raw rr
                WHERE rr.build_id = r.build_id
                  AND rr.platform = r.platform
                  AND rr.version = r.version
                  AND rr.product_name IN (
                          SELECT r.product::citext
                          UNION ALL
                          SELECT p.release_name FROM products p WHERE p.product_name = r.product::citext)
           ),
           NULL::text
      FROM releases r
    UNION ALL
    SELECT c.doc_index, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, c.error
      FROM checked c
     WHERE c.error IS NOT NULL
     ORDER BY 1
$$;
COMMENT ON FUNCTION release_metadata_parse(jsonb) IS
'Reads build metadata documents (archive.mozilla.org build info, Buildhub records, flat records; single, array, hits.hits[]._source or data[]) into add_new_release arguments, one row per document with is_new, or error when unreadable. Called by the release-metadata job; read-only.';
