package handlers

import "kadra/db"

// rolesSchemas are the schemas of roles and groups.
func rolesSchemas() map[string]any {
	role := schemaOf(db.Role{})
	role["description"] = "A permission group. builtin marks Administrator and Staff member, whose kind says " +
		"which; user_count counts the users holding it (in every account for the owner, in the acting " +
		"account for others)."
	group := schemaOf(db.Group{})
	group["description"] = "A user group. parent_id 0 is the top level; builtin marks the permanent " +
		"\"Position\" root and position its children. member_count counts the group's own members " +
		"(for a position, the users holding it); total_member_count the distinct members of the group " +
		"and every subgroup under it."
	roleInput := inputOf(db.RoleInput{})
	roleInput["description"] = "The wizard in one call: user_ids are moved into the new role, out of their previous one."
	rolePatch := inputOf(db.RolePatch{})
	rolePatch["description"] = "Only the fields sent change; permissions replaces the whole set."
	return map[string]any{
		"Role":            role,
		"RolePage":        pageOf[db.Role](),
		"RoleInput":       roleInput,
		"RolePatch":       rolePatch,
		"RoleUserPage":    pageOf[db.RoleUser](),
		"Group":           group,
		"GroupPage":       pageOf[db.Group](),
		"GroupMemberPage": pageOf[db.GroupMember](),
	}
}

// openAPIRoles describes /roles, /groups and the user's role, groups and
// position.
func (s *Server) openAPIRoles() map[string]any {
	paging := []map[string]any{query("q", "search in name and e-mail", "string"),
		query("page", "from 1", "integer"), query("per_page", "1..200, default 50", "integer")}
	role := map[string]any{"200": resp("The role", ref("Role"))}
	group := map[string]any{"200": resp("The group", ref("Group"))}
	gone := map[string]any{"204": resp("Deleted", nil)}
	return map[string]any{
		"/roles": map[string]any{
			"get": op("List roles with their permissions and user counts (users.view or users.manage)",
				map[string]any{"200": resp("A page of roles", ref("RolePage"))}, nil,
				query("q", "search in name and description", "string"),
				query("sort", "name, -name, users or -users", "string"),
				query("page", "from 1", "integer"), query("per_page", "1..200, default 50", "integer")),
			"post": op("Create a role, moving the given users into it (owner only)",
				map[string]any{"201": resp("The new role", ref("Role"))}, ref("RoleInput")),
		},
		"/roles/{id}": map[string]any{
			"get":    op("One role with its permissions", role, nil, idParam),
			"patch":  op("Rename a role or change its permissions; built-in roles keep theirs (owner only)", role, ref("RolePatch"), idParam),
			"delete": op("Delete a role nobody holds; 409 says how many do (owner only)", gone, nil, idParam),
		},
		"/roles/{id}/users": map[string]any{
			"get": op("The users holding a role", map[string]any{"200": resp("A page of users", ref("RoleUserPage"))},
				nil, append([]map[string]any{idParam}, paging...)...),
		},
		"/groups": map[string]any{
			"get": op("The acting account's groups as a tree, parents first, with member counts "+
				"(users.view, users.manage or groups.manage)",
				map[string]any{"200": resp("Every group, in tree order", ref("GroupPage"))}, nil,
				query("q", "keep groups whose name contains this, with their ancestors", "string")),
			"post": op("Create a group at the top level (parent_id 0) or under a parent; under Position it is a "+
				"position (groups.manage)", map[string]any{"201": resp("The new group", ref("Group"))},
				inputOf(db.GroupInput{})),
		},
		"/groups/{id}": map[string]any{
			"get": op("One group with its counts", group, nil, idParam),
			"patch": op("Rename and/or move a group; parent_id null or 0 is the top level; never under itself "+
				"(groups.manage)", group, inputOf(apiGroupPatch{}), idParam),
			"delete": op("Delete a group and its subgroups when none has members; 409 says where members are "+
				"(groups.manage)", gone, nil, idParam),
		},
		"/groups/{id}/members": map[string]any{
			"get": op("The group's members; deep=true adds those of every subgroup",
				map[string]any{"200": resp("A page of members, by name", ref("GroupMemberPage"))}, nil,
				append([]map[string]any{idParam, query("deep", "include subgroups", "boolean")}, paging...)...),
		},
		"/users/{id}/groups": map[string]any{
			"put": op("Replace the user's groups (not positions) (users.manage)",
				map[string]any{"200": resp("The user's groups now", schemaOf(userGroupsBody{}))},
				inputOf(userGroupsBody{}), idParam),
		},
		"/users/{id}/role": map[string]any{
			"put": op("Move the user to another role (users.manage; nobody hands out more rights than their own; "+
				"the owner stays Administrator)",
				map[string]any{"200": resp("The user's role now", schemaOf(userRoleBody{}))},
				inputOf(userRoleBody{}), idParam),
		},
		"/users/{id}/position": map[string]any{
			"put": op("Set the user's one position (users.manage)",
				map[string]any{"200": resp("The user's position now", schemaOf(userPositionBody{}))},
				inputOf(userPositionBody{}), idParam),
		},
	}
}
