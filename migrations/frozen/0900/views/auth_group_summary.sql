-- auth_group_summary: one row per group with its permissions and member count.
-- Callers: the /admin/groups/ page. Read-only.
CREATE OR REPLACE VIEW auth_group_summary AS
SELECT g.id,
       g.name,
       g.created_at,
       coalesce((SELECT array_agg(gp.permission ORDER BY gp.permission)
                   FROM auth_group_permissions gp WHERE gp.group_id = g.id), '{}') AS permissions,
       (SELECT count(*) FROM auth_user_groups ug WHERE ug.group_id = g.id) AS members
  FROM auth_groups g;
COMMENT ON VIEW auth_group_summary IS 'Groups with their permissions and number of members, for /admin/groups/.';
