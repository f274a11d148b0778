package handlers

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/elimity-com/scim"
	scimerr "github.com/elimity-com/scim/errors"
	"github.com/elimity-com/scim/optional"
	"github.com/scim2/filter-parser/v2"

	"kadra/db"
)

// scimUsers maps SCIM Users onto kadra users (issue 17): userName is the
// login e-mail; emails of type work and other the login and notification
// e-mail; name and displayName the full name; phoneNumbers[type eq
// "work"] the work phone; active is "not blocked"; externalId is kept;
// kadra's own attributes are in the scimKadraUser extension.
type scimUsers struct{ s *Server }

func scimID(id string) (int64, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return 0, scimerr.ScimErrorResourceNotFound(id)
	}
	return n, nil
}

// scimVersion is the domain's ETag as a weak SCIM version.
func scimVersion(etag string) string { return "W/" + etag }

func scimIfMatch(call *scimCall) string {
	return strings.TrimPrefix(call.ifMatch, "W/")
}

func userResource(u db.DirectoryUser) scim.Resource {
	given, family := splitName(u.FullName)
	attrs := scim.ResourceAttributes{
		"userName":    u.Email,
		"displayName": u.FullName,
		"name":        map[string]any{"formatted": u.FullName, "givenName": given, "familyName": family},
		"active":      u.Active,
		"emails":      []any{map[string]any{"value": u.Email, "type": "work", "primary": true}},
		scimKadraUser: map[string]any{"extension": u.Extension, "callerId": u.CallerID, "smsSender": u.SMSSender,
			"role": u.Role, "position": u.Position},
	}
	if u.NotifyEmail != "" {
		attrs["emails"] = append(attrs["emails"].([]any), map[string]any{"value": u.NotifyEmail, "type": "other", "primary": false})
	}
	if len(u.Groups) > 0 { // read only: a user joins a group through the group
		groups := []any{}
		for _, g := range u.Groups {
			id := strconv.FormatInt(g.ID, 10)
			groups = append(groups, map[string]any{"value": id, "display": g.Display, "type": "direct", "$ref": "../Groups/" + id})
		}
		attrs["groups"] = groups
	}
	if u.WorkPhone != "" {
		attrs["phoneNumbers"] = []any{map[string]any{"value": u.WorkPhone, "type": "work"}}
	}
	created, updated := u.Created, u.Updated
	r := scim.Resource{ID: strconv.FormatInt(u.ID, 10), Attributes: attrs,
		Meta: scim.Meta{Created: &created, LastModified: &updated, Version: scimVersion(u.Version)}}
	if u.ExternalID != "" {
		r.ExternalID = optional.NewString(u.ExternalID)
	}
	return r
}

// splitName guesses given and family names from a full name: the family
// name is the last word, as Polish names are written.
func splitName(full string) (string, string) {
	full = strings.TrimSpace(full)
	i := strings.LastIndexByte(full, ' ')
	if i < 0 {
		return full, ""
	}
	return strings.TrimSpace(full[:i]), full[i+1:]
}

// userChange reads a user's attributes as sent in full (POST, PUT, or the
// result of a PATCH): absent core attributes are empty; absent kadra
// attributes keep what the user has.
func userChange(attrs map[string]any) db.DirectoryChange {
	var c db.DirectoryChange
	str := func(v any) *string {
		s, ok := v.(string)
		if !ok {
			s = ""
		}
		s = strings.TrimSpace(s)
		return &s
	}
	c.Email = str(getFold(attrs, "userName"))
	full := ""
	if n, ok := getFold(attrs, "name").(map[string]any); ok {
		if f, _ := getFold(n, "formatted").(string); f != "" {
			full = f
		} else {
			g, _ := getFold(n, "givenName").(string)
			f, _ := getFold(n, "familyName").(string)
			full = strings.TrimSpace(g + " " + f)
		}
	}
	if d, _ := getFold(attrs, "displayName").(string); d != "" {
		full = d
	}
	c.FullName = str(full)
	notify := ""
	for _, e := range listOf(getFold(attrs, "emails")) {
		v, _ := getFold(e, "value").(string)
		typ, _ := getFold(e, "type").(string)
		switch {
		case strings.EqualFold(typ, "other") && notify == "":
			notify = v
		case strings.EqualFold(typ, "work") && *c.Email == "":
			c.Email = str(v)
		case strings.EqualFold(typ, "work") && !strings.EqualFold(v, *c.Email) && notify == "":
			notify = v // a work address other than the login gets the mail (R-USER-3)
		}
	}
	c.NotifyEmail = str(notify)
	phone := ""
	for _, p := range listOf(getFold(attrs, "phoneNumbers")) {
		typ, _ := getFold(p, "type").(string)
		if v, _ := getFold(p, "value").(string); (strings.EqualFold(typ, "work") || phone == "") && v != "" {
			phone = v
		}
	}
	c.WorkPhone = str(phone)
	if a, ok := getFold(attrs, "active").(bool); ok {
		c.Active = &a
	}
	if x, ok := getFold(attrs, "externalId").(string); ok {
		c.ExternalID = &x
	} else {
		c.ExternalID = str("")
	}
	if ext, ok := getFold(attrs, scimKadraUser).(map[string]any); ok {
		for k, dst := range map[string]**string{"extension": &c.Extension, "callerId": &c.CallerID,
			"smsSender": &c.SMSSender, "role": &c.Role, "position": &c.Position} {
			if v, ok := getFold(ext, k).(string); ok {
				*dst = str(v)
			}
		}
	}
	return c
}

func listOf(v any) []map[string]any {
	var out []map[string]any
	switch t := v.(type) {
	case []any:
		for _, x := range t {
			if m, ok := x.(map[string]any); ok {
				out = append(out, m)
			}
		}
	case []map[string]any:
		out = t
	}
	return out
}

// getFold reads a member by name in any case (attribute names are
// case-insensitive, RFC 7643 2.1).
func getFold(m map[string]any, name string) any {
	if v, ok := m[name]; ok {
		return v
	}
	for k, v := range m {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return nil
}

func (h scimUsers) Create(r *http.Request, attrs scim.ResourceAttributes) (scim.Resource, error) {
	call := scimCallOf(r)
	c := userChange(attrs)
	if x, ok := attrs["externalId"].(string); ok {
		c.ExternalID = &x
	}
	u, err := h.s.db.CreateDirectoryUser(r.Context(), call.actor,
		db.DirectoryDefaults{RoleID: call.token.DefaultRoleID, PositionID: call.token.DefaultPositionID}, c)
	if err != nil {
		return scim.Resource{}, h.s.scimError(err)
	}
	return userResource(u), nil
}

func (h scimUsers) Get(r *http.Request, id string) (scim.Resource, error) {
	n, err := scimID(id)
	if err != nil {
		return scim.Resource{}, err
	}
	u, err := h.s.db.GetDirectoryUser(r.Context(), scimCallOf(r).actor, n)
	if err != nil {
		return scim.Resource{}, h.s.scimError(err)
	}
	return userResource(u), nil
}

// GetAll answers a list: "userName eq" and "externalId eq" are looked up
// by index (Okta and Entra ID ask them before every create); any other
// filter is evaluated by the library over the users, a page at a time.
func (h scimUsers) GetAll(r *http.Request, p scim.ListRequestParams) (scim.Page, error) {
	ctx, a := r.Context(), scimCallOf(r).actor
	q := db.DirectoryQuery{Offset: p.StartIndex - 1, Limit: p.Count}
	if p.FilterValidator != nil {
		var attr, val string
		switch e := p.FilterValidator.GetFilter().(type) {
		case *filter.AttributeExpression:
			if e.Operator == filter.EQ && e.AttributePath.SubAttribute == nil && e.AttributePath.URIPrefix == nil {
				attr, val = strings.ToLower(e.AttributePath.AttributeName), fmt.Sprint(e.CompareValue)
			}
		}
		switch attr {
		case "username":
			q.Email = &val
		case "externalid":
			q.ExternalID = &val
		default:
			return h.scan(r, p)
		}
	}
	users, total, err := h.s.db.DirectoryUsers(ctx, a, q)
	if err != nil {
		return scim.Page{}, h.s.scimError(err)
	}
	page := scim.Page{TotalResults: total, Resources: []scim.Resource{}}
	for _, u := range users {
		page.Resources = append(page.Resources, userResource(u))
	}
	return page, nil
}

// scan evaluates a filter over every user of the account, 500 at a time.
func (h scimUsers) scan(r *http.Request, p scim.ListRequestParams) (scim.Page, error) {
	ctx, a := r.Context(), scimCallOf(r).actor
	page := scim.Page{Resources: []scim.Resource{}}
	for off := 0; ; off += 500 {
		users, _, err := h.s.db.DirectoryUsers(ctx, a, db.DirectoryQuery{Offset: off, Limit: 500})
		if err != nil {
			return scim.Page{}, h.s.scimError(err)
		}
		for _, u := range users {
			res := userResource(u)
			m := map[string]any{"id": res.ID, "externalId": u.ExternalID,
				"meta": map[string]any{"created": u.Created.Format("2006-01-02T15:04:05Z07:00"),
					"lastModified": u.Updated.Format("2006-01-02T15:04:05Z07:00"), "resourceType": "User"}}
			for k, v := range res.Attributes {
				m[k] = v
			}
			if p.FilterValidator.PassesFilter(m) != nil {
				continue
			}
			page.TotalResults++
			if page.TotalResults >= p.StartIndex && len(page.Resources) < p.Count {
				page.Resources = append(page.Resources, res)
			}
		}
		if len(users) < 500 {
			return page, nil
		}
	}
}

func (h scimUsers) Replace(r *http.Request, id string, attrs scim.ResourceAttributes) (scim.Resource, error) {
	n, err := scimID(id)
	if err != nil {
		return scim.Resource{}, err
	}
	call := scimCallOf(r)
	c := userChange(attrs)
	c.IfMatch = scimIfMatch(call)
	u, err := h.s.db.UpdateDirectoryUser(r.Context(), call.actor, n, c)
	if err != nil {
		return scim.Resource{}, h.s.scimError(err)
	}
	return userResource(u), nil
}

func (h scimUsers) Delete(r *http.Request, id string) error {
	n, err := scimID(id)
	if err != nil {
		return err
	}
	call := scimCallOf(r)
	// R-USER-9: the same delete as the form's: SIP disabled and freed,
	// billed to the end of the period, audited.
	if err := h.s.db.DeleteUserIfMatch(r.Context(), call.actor, n, scimIfMatch(call)); err != nil {
		return h.s.scimError(err)
	}
	return nil
}

// Patch applies the operations to the user as SCIM shows them, then saves
// the result as a PUT would; only what differs is changed.
func (h scimUsers) Patch(r *http.Request, id string, ops []scim.PatchOperation) (scim.Resource, error) {
	n, err := scimID(id)
	if err != nil {
		return scim.Resource{}, err
	}
	call := scimCallOf(r)
	cur, err := h.s.db.GetDirectoryUser(r.Context(), call.actor, n)
	if err != nil {
		return scim.Resource{}, h.s.scimError(err)
	}
	res := userResource(cur)
	m := map[string]any(res.Attributes)
	m["externalId"] = cur.ExternalID
	nameBefore, _ := m["name"].(map[string]any)
	nameCopy := map[string]any{}
	for k, v := range nameBefore {
		nameCopy[k] = v
	}
	m["name"] = nameCopy
	if err := applyPatch(m, ops); err != nil {
		return scim.Resource{}, err
	}
	// A changed given or family name with an unchanged formatted one
	// (Entra ID sends them one by one) makes the formatted one anew.
	if nm, ok := m["name"].(map[string]any); ok {
		g, _ := getFold(nm, "givenName").(string)
		f, _ := getFold(nm, "familyName").(string)
		if getFold(nm, "formatted") == nameBefore["formatted"] && (g != nameBefore["givenName"] || f != nameBefore["familyName"]) {
			nm["formatted"] = strings.TrimSpace(g + " " + f)
			if m["displayName"] == cur.FullName {
				m["displayName"] = nm["formatted"]
			}
		}
		if d, _ := m["displayName"].(string); d == cur.FullName && getFold(nm, "formatted") != nameBefore["formatted"] {
			m["displayName"] = getFold(nm, "formatted")
		}
	}
	c := userChange(m)
	c.IfMatch = scimIfMatch(call)
	u, err := h.s.db.UpdateDirectoryUser(r.Context(), call.actor, n, c)
	if err != nil {
		return scim.Resource{}, h.s.scimError(err)
	}
	return userResource(u), nil
}
