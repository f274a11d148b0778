package handlers

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/elimity-com/scim"
	scimerr "github.com/elimity-com/scim/errors"
	"github.com/elimity-com/scim/optional"

	"kadra/db"
)

// scimGroups maps SCIM Groups onto kadra's user groups (not positions).
// Members are users; a group's subgroups are shown as members of type
// "Group" and are not written (kadra's groups are a tree).
type scimGroups struct{ s *Server }

func groupResource(g db.DirectoryGroup) scim.Resource {
	members := []any{}
	for _, m := range g.Members {
		members = append(members, map[string]any{"value": strconv.FormatInt(m.ID, 10), "display": m.Display,
			"type": "User", "$ref": "../Users/" + strconv.FormatInt(m.ID, 10)})
	}
	for _, m := range g.Subgroups {
		members = append(members, map[string]any{"value": strconv.FormatInt(m.ID, 10), "display": m.Display,
			"type": "Group", "$ref": "../Groups/" + strconv.FormatInt(m.ID, 10)})
	}
	r := scim.Resource{ID: strconv.FormatInt(g.ID, 10), Meta: scim.Meta{Version: scimVersion(g.Version)},
		Attributes: scim.ResourceAttributes{"displayName": g.Name, "members": members}}
	if g.ExternalID != "" {
		r.ExternalID = optional.NewString(g.ExternalID)
	}
	return r
}

// groupChange reads the members and name a provider sent; subgroups it
// names are left as they are, any other id is refused.
func groupChange(attrs map[string]any, cur db.DirectoryGroup) (db.DirectoryGroupChange, error) {
	var c db.DirectoryGroupChange
	if n, ok := getFold(attrs, "displayName").(string); ok {
		c.Name = &n
	}
	if x, ok := getFold(attrs, "externalId").(string); ok {
		c.ExternalID = &x
	}
	ids := []int64{}
	for _, m := range listOf(getFold(attrs, "members")) {
		v, _ := getFold(m, "value").(string)
		id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || id <= 0 {
			return c, scimerr.ScimError{Status: http.StatusBadRequest, ScimType: scimerr.ScimTypeInvalidValue,
				Detail: "A member's value must be the id of a user: " + v}
		}
		if slices.ContainsFunc(cur.Subgroups, func(s db.DirectoryMember) bool { return s.ID == id }) {
			continue
		}
		if typ, _ := getFold(m, "type").(string); strings.EqualFold(typ, "Group") {
			return c, scimerr.ScimError{Status: http.StatusBadRequest, ScimType: scimerr.ScimTypeMutability,
				Detail: "kadra's groups form a tree: a group is nested by moving it in kadra, not through SCIM."}
		}
		ids = append(ids, id)
	}
	c.Members = &ids
	return c, nil
}

// memberError makes an unknown member a bad value rather than a missing
// group.
func (h scimGroups) memberError(err error) error {
	if e := db.AsError(err); e != nil && e.Code == db.ENOTFOUND {
		return scimerr.ScimError{Status: http.StatusBadRequest, ScimType: scimerr.ScimTypeInvalidValue,
			Detail: "A member is not a user of this account."}
	}
	return h.s.scimError(err)
}

func (h scimGroups) Create(r *http.Request, attrs scim.ResourceAttributes) (scim.Resource, error) {
	call := scimCallOf(r)
	c, err := groupChange(attrs, db.DirectoryGroup{})
	if err != nil {
		return scim.Resource{}, err
	}
	if x, ok := attrs["externalId"].(string); ok {
		c.ExternalID = &x
	}
	g, err := h.s.db.CreateDirectoryGroup(r.Context(), call.actor, c)
	if err != nil {
		return scim.Resource{}, h.memberError(err)
	}
	return groupResource(g), nil
}

func (h scimGroups) Get(r *http.Request, id string) (scim.Resource, error) {
	n, err := scimID(id)
	if err != nil {
		return scim.Resource{}, err
	}
	g, err := h.s.db.GetDirectoryGroup(r.Context(), scimCallOf(r).actor, n)
	if err != nil {
		return scim.Resource{}, h.s.scimError(err)
	}
	return groupResource(g), nil
}

func (h scimGroups) GetAll(r *http.Request, p scim.ListRequestParams) (scim.Page, error) {
	gs, err := h.s.db.DirectoryGroups(r.Context(), scimCallOf(r).actor)
	if err != nil {
		return scim.Page{}, h.s.scimError(err)
	}
	page := scim.Page{Resources: []scim.Resource{}}
	for _, g := range gs {
		res := groupResource(g)
		if p.FilterValidator != nil {
			m := map[string]any{"id": res.ID, "externalId": g.ExternalID}
			for k, v := range res.Attributes {
				m[k] = v
			}
			if p.FilterValidator.PassesFilter(m) != nil {
				continue
			}
		}
		page.TotalResults++
		if page.TotalResults >= p.StartIndex && len(page.Resources) < p.Count {
			page.Resources = append(page.Resources, res)
		}
	}
	return page, nil
}

func (h scimGroups) Replace(r *http.Request, id string, attrs scim.ResourceAttributes) (scim.Resource, error) {
	n, err := scimID(id)
	if err != nil {
		return scim.Resource{}, err
	}
	call := scimCallOf(r)
	cur, err := h.s.db.GetDirectoryGroup(r.Context(), call.actor, n)
	if err != nil {
		return scim.Resource{}, h.s.scimError(err)
	}
	c, err := groupChange(attrs, cur)
	if err != nil {
		return scim.Resource{}, err
	}
	if c.ExternalID == nil {
		empty := ""
		c.ExternalID = &empty
	}
	c.IfMatch = scimIfMatch(call)
	g, err := h.s.db.UpdateDirectoryGroup(r.Context(), call.actor, n, c)
	if err != nil {
		return scim.Resource{}, h.memberError(err)
	}
	return groupResource(g), nil
}

func (h scimGroups) Delete(r *http.Request, id string) error {
	n, err := scimID(id)
	if err != nil {
		return err
	}
	call := scimCallOf(r)
	if err := h.s.db.DeleteDirectoryGroup(r.Context(), call.actor, n, scimIfMatch(call)); err != nil {
		return h.s.scimError(err)
	}
	return nil
}

func (h scimGroups) Patch(r *http.Request, id string, ops []scim.PatchOperation) (scim.Resource, error) {
	n, err := scimID(id)
	if err != nil {
		return scim.Resource{}, err
	}
	call := scimCallOf(r)
	cur, err := h.s.db.GetDirectoryGroup(r.Context(), call.actor, n)
	if err != nil {
		return scim.Resource{}, h.s.scimError(err)
	}
	m := map[string]any(groupResource(cur).Attributes)
	m["externalId"] = cur.ExternalID
	if err := applyPatch(m, ops); err != nil {
		return scim.Resource{}, err
	}
	c, err := groupChange(m, cur)
	if err != nil {
		return scim.Resource{}, err
	}
	c.IfMatch = scimIfMatch(call)
	g, err := h.s.db.UpdateDirectoryGroup(r.Context(), call.actor, n, c)
	if err != nil {
		return scim.Resource{}, h.memberError(err)
	}
	return groupResource(g), nil
}
