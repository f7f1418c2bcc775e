-- auth_groups: named sets of permissions given to users (Django's groups).
CREATE TABLE auth_groups (
    id serial PRIMARY KEY,
    name citext NOT NULL UNIQUE CHECK (length(btrim(name)) > 0),
    created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE auth_groups IS 'Groups of users; a member holds every permission of the group (auth_group_permissions).';
