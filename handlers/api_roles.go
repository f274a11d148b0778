package handlers

import (
	"bytes"
	"encoding/json"
	"net/http"

	"github.com/labstack/echo/v4"

	"kadra/db"
)

// The JSON API of roles (R-ROLE-*) and groups (R-GROUP-*): the same db
// functions as the pages, so the same rules and messages.

func (s *Server) apiRolesList(c echo.Context) error {
	var f db.RoleFilter
	if err := bindQuery(c, &f); err != nil {
		return err
	}
	page, err := s.db.ListRoles(c.Request().Context(), actor(c), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

func (s *Server) apiRolesCreate(c echo.Context) error {
	var in db.RoleInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	r, err := s.db.CreateRole(c.Request().Context(), actor(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, r)
}

func (s *Server) apiRolesGet(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	r, err := s.db.GetRole(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

func (s *Server) apiRolesUsers(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var f db.UserFilter
	if err := bindQuery(c, &f); err != nil {
		return err
	}
	page, err := s.db.RoleHolders(c.Request().Context(), actor(c), id, f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

func (s *Server) apiRolesUpdate(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var p db.RolePatch
	if err := bindJSON(c, &p); err != nil {
		return err
	}
	r, err := s.db.UpdateRole(c.Request().Context(), actor(c), id, p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

func (s *Server) apiRolesDelete(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.db.DeleteRole(c.Request().Context(), actor(c), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// apiGroupsList answers the whole tree of the acting account in tree
// order (parents first), each group with its depth, path and counts; q
// keeps the matching groups and their ancestors.
func (s *Server) apiGroupsList(c echo.Context) error {
	tree, err := s.db.GroupTree(c.Request().Context(), actor(c), c.QueryParam("q"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, db.Page[db.Group]{Items: tree, Total: len(tree), Page: 1, PerPage: len(tree)})
}

func (s *Server) apiGroupsCreate(c echo.Context) error {
	var in db.GroupInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	g, err := s.db.CreateGroup(c.Request().Context(), actor(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, g)
}

func (s *Server) apiGroupsGet(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	g, err := s.db.GetGroup(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, g)
}

// optionalID is a JSON id that may be absent (Set false), null or 0 (the
// top level) or an id.
type optionalID struct {
	Set bool
	ID  int64
}

// JSONSchema describes what UnmarshalJSON reads, for the API's document.
func (optionalID) JSONSchema() map[string]any {
	return map[string]any{"type": []any{"integer", "null"}}
}

func (o *optionalID) UnmarshalJSON(b []byte) error {
	o.Set = true
	if bytes.Equal(b, []byte("null")) {
		o.ID = 0
		return nil
	}
	return json.Unmarshal(b, &o.ID)
}

// apiGroupPatch renames and/or moves a group; "parent_id": null (or 0)
// moves it to the top level.
type apiGroupPatch struct {
	Name     *string    `json:"name"`
	ParentID optionalID `json:"parent_id"`
}

func (s *Server) apiGroupsUpdate(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in apiGroupPatch
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	p := db.GroupPatch{Name: in.Name}
	if in.ParentID.Set {
		p.ParentID = &in.ParentID.ID
	}
	g, err := s.db.UpdateGroup(c.Request().Context(), actor(c), id, p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, g)
}

func (s *Server) apiGroupsDelete(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.db.DeleteGroup(c.Request().Context(), actor(c), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) apiGroupsMembers(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var f db.MemberFilter
	if err := bindQuery(c, &f); err != nil {
		return err
	}
	page, err := s.db.GroupMembers(c.Request().Context(), actor(c), id, f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

// userGroupsBody is PUT /users/{id}/groups: the complete set of groups.
type userGroupsBody struct {
	GroupIDs []int64 `json:"group_ids"`
}

func (s *Server) apiUserGroups(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in userGroupsBody
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	ctx := c.Request().Context()
	if err := s.db.SetUserGroups(ctx, actor(c), id, in.GroupIDs); err != nil {
		return err
	}
	ids, err := s.db.UserGroupIDs(ctx, actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, userGroupsBody{GroupIDs: ids})
}

type userRoleBody struct {
	RoleID int64 `json:"role_id"`
}

func (s *Server) apiUserRole(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in userRoleBody
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	if err := s.db.SetUserRole(c.Request().Context(), actor(c), id, in.RoleID); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, in)
}

type userPositionBody struct {
	PositionID int64 `json:"position_id"`
}

func (s *Server) apiUserPosition(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in userPositionBody
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	if err := s.db.SetUserPosition(c.Request().Context(), actor(c), id, in.PositionID); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, in)
}
