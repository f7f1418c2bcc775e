"""A comparable snapshot of a database's schema (public schema only, extensions' own objects left out)."""

from __future__ import annotations

from typing import Any

import psycopg

_NOT_EXTENSION = "NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = {oid} AND d.deptype = 'e')"

QUERIES: dict[str, str] = {
    "functions": f"""
        SELECT p.oid::regprocedure::text AS name, pg_get_functiondef(p.oid) AS def,
               obj_description(p.oid, 'pg_proc') AS comment
          FROM pg_proc p
         WHERE p.pronamespace = 'public'::regnamespace AND p.prokind <> 'a'
           AND {_NOT_EXTENSION.format(oid="p.oid")}""",
    "views": """
        SELECT c.relname AS name, pg_get_viewdef(c.oid, true) AS def,
               obj_description(c.oid, 'pg_class') AS comment
          FROM pg_class c
         WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('v', 'm')""",
    "tables": """
        SELECT c.relname AS name, c.relkind::text AS kind, pg_get_partkeydef(c.oid) AS partkey,
               obj_description(c.oid, 'pg_class') AS comment
          FROM pg_class c
         WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
           AND NOT c.relispartition""",
    "columns": """
        SELECT c.relname || '.' || a.attname AS name, a.attnum AS position,
               format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS notnull,
               pg_get_expr(ad.adbin, ad.adrelid) AS default, col_description(c.oid, a.attnum) AS comment
          FROM pg_attribute a
          JOIN pg_class c ON c.oid = a.attrelid
          LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
         WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v')
           AND NOT c.relispartition AND a.attnum > 0 AND NOT a.attisdropped""",
    "constraints": """
        SELECT c.relname || '.' || k.conname AS name, pg_get_constraintdef(k.oid) AS def
          FROM pg_constraint k
          JOIN pg_class c ON c.oid = k.conrelid
         WHERE c.relnamespace = 'public'::regnamespace AND NOT c.relispartition""",
    "indexes": """
        SELECT i.relname AS name, pg_get_indexdef(i.oid) AS def
          FROM pg_index x
          JOIN pg_class i ON i.oid = x.indexrelid
          JOIN pg_class t ON t.oid = x.indrelid
         WHERE t.relnamespace = 'public'::regnamespace AND NOT t.relispartition
           AND t.relname <> 'alembic_version'""",
    "triggers": """
        SELECT t.tgname AS name, pg_get_triggerdef(t.oid) AS def
          FROM pg_trigger t
          JOIN pg_class c ON c.oid = t.tgrelid
         WHERE c.relnamespace = 'public'::regnamespace AND NOT t.tgisinternal""",
    "types": f"""
        SELECT t.typname AS name, t.typtype::text AS kind,
               (SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_enum e
                 WHERE e.enumtypid = t.oid) AS labels,
               (SELECT string_agg(pg_get_constraintdef(k.oid), ';') FROM pg_constraint k
                 WHERE k.contypid = t.oid) AS checks,
               obj_description(t.oid, 'pg_type') AS comment
          FROM pg_type t
         WHERE t.typnamespace = 'public'::regnamespace AND t.typtype IN ('e', 'd')
           AND {_NOT_EXTENSION.format(oid="t.oid")}""",
    "extensions": """
        SELECT extname AS name, extversion AS version FROM pg_extension WHERE extname <> 'plpgsql'""",
    "sequences": """
        SELECT c.relname AS name FROM pg_class c
         WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'S'""",
}


def snapshot(url: str, *, with_data: list[str] | None = None) -> dict[str, Any]:
    """{category: {name: row}} for every schema object, plus the rows of ``with_data`` tables."""
    result: dict[str, Any] = {}
    with psycopg.connect(url, row_factory=psycopg.rows.dict_row) as conn:
        for category, query in QUERIES.items():
            rows = conn.execute(query).fetchall()
            result[category] = {row["name"]: row for row in rows}
        for table in with_data or []:
            rows = conn.execute(f'SELECT * FROM "{table}"').fetchall()
            result[f"data:{table}"] = sorted(repr(sorted(r.items())) for r in rows)
    result["tables"].pop("alembic_version", None)
    result["columns"] = {k: v for k, v in result["columns"].items() if not k.startswith("alembic_version.")}
    result["constraints"] = {
        k: v for k, v in result["constraints"].items() if not k.startswith("alembic_version.")
    }
    return result


def diff(left: dict[str, Any], right: dict[str, Any]) -> list[str]:
    """Human-readable differences between two snapshots (empty when equal)."""
    problems = []
    for category in sorted(set(left) | set(right)):
        a, b = left.get(category, {}), right.get(category, {})
        if isinstance(a, list) or isinstance(b, list):
            if a != b:
                problems.append(f"{category}: rows differ")
            continue
        for name in sorted(set(a) - set(b)):
            problems.append(f"{category}: {name} only on the left")
        for name in sorted(set(b) - set(a)):
            problems.append(f"{category}: {name} only on the right")
        for name in sorted(set(a) & set(b)):
            if a[name] != b[name]:
                problems.append(f"{category}: {name} differs:\n  left:  {a[name]}\n  right: {b[name]}")
    return problems
