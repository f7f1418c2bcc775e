-- auth_user_summary: one row per user with the groups and the effective permissions (direct,
-- through groups, or all of them for a superuser).
-- Callers: web/auth.py (sign-in, sessions), the /admin/users/ pages, api_token_create().
-- Read-only.
CREATE OR REPLACE VIEW auth_user_summary AS
SELECT u.id,
       u.email,
       u.is_superuser,
       u.is_active,
       u.created_at,
       u.last_login,
       coalesce((SELECT array_agg(g.name::text ORDER BY g.name)
                   FROM auth_user_groups ug JOIN auth_groups g ON g.id = ug.group_id
                  WHERE ug.user_id = u.id), '{}') AS groups,
       coalesce((SELECT array_agg(up.permission ORDER BY up.permission)
                   FROM auth_user_permissions up WHERE up.user_id = u.id), '{}') AS direct_permissions,
       CASE WHEN u.is_superuser
            THEN (SELECT coalesce(array_agg(p.name ORDER BY p.name), '{}') FROM auth_permissions p)
            ELSE coalesce((SELECT array_agg(DISTINCT x.permission ORDER BY x.permission)
                             FROM (SELECT up.permission FROM auth_user_permissions up WHERE up.user_id = u.id
                                   UNION
                                   SELECT gp.permission
                                     FROM auth_user_groups ug
                                     JOIN auth_group_permissions gp ON gp.group_id = ug.group_id
                                    WHERE ug.user_id = u.id) x), '{}')
       END AS permissions
  FROM auth_users u;
COMMENT ON VIEW auth_user_summary IS 'Users with their groups, direct permissions and effective permissions (superusers: all). Read by sign-in, session look-ups and the admin pages.';
