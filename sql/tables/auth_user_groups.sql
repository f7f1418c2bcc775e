-- auth_user_groups: group membership.
CREATE TABLE auth_user_groups (
    user_id bigint NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
    group_id integer NOT NULL REFERENCES auth_groups (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, group_id)
);
COMMENT ON TABLE auth_user_groups IS 'Which users belong to which groups.';
