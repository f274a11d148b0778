package handlers

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"kadra/db"
)

// groupNode is one group of the tree page with its subgroups. Everything
// the template shows is computed here: the tree may hold thousands of
// groups, and each template action costs a reflective call.
type groupNode struct {
	ID     int64
	Name   string // the translated name for the Position root
	Badge  string // "built in", "position" or ""
	Counts string // "own / with subgroups"
	Add    string // "Add subgroup", "Add position" or "" (no groups.manage, or a position)
	Hidden int    // groups under this one left out of the page (see treeBudget)
	More   string // "Show the N groups inside" when Hidden
	Sub    []*groupNode
}

// treeBudget is how many groups the tree page shows at once. A bigger tree
// shows its upper levels, each cut group offering to open its own subtree
// (/groups?under=id); the filter box finds any group.
const treeBudget = 300

// nest turns tree-ordered groups into nested nodes, down to the deepest
// level that keeps the page within treeBudget groups.
func nest(groups []db.Group, l groupLabels) []*groupNode {
	if len(groups) == 0 {
		return nil
	}
	base, maxDepth := groups[0].Depth, groups[0].Depth
	if len(groups) > treeBudget {
		perDepth := map[int]int{}
		for _, g := range groups {
			perDepth[g.Depth-base]++
		}
		for n := perDepth[0]; n+perDepth[maxDepth-base+1] <= treeBudget && perDepth[maxDepth-base+1] > 0; {
			maxDepth++
			n += perDepth[maxDepth-base]
		}
	} else {
		for _, g := range groups {
			maxDepth = max(maxDepth, g.Depth)
		}
	}
	var roots []*groupNode
	byID := make(map[int64]*groupNode, len(groups))
	var path []*groupNode // the shown ancestors of the current group
	for _, g := range groups {
		for len(path) > 0 && len(path) > g.Depth-base {
			path = path[:len(path)-1]
		}
		if g.Depth > maxDepth {
			path[len(path)-1].Hidden++
			continue
		}
		n := &groupNode{ID: g.ID, Name: g.Name,
			Counts: strconv.Itoa(g.MemberCount) + " / " + strconv.Itoa(g.TotalMemberCount)}
		switch {
		case g.Builtin:
			n.Name, n.Badge = l.Root, l.Builtin
		case g.Position:
			n.Badge = l.Position
		}
		if l.Manage && !g.Position {
			n.Add = l.AddSub
			if g.Builtin {
				n.Add = l.AddPosition
			}
		}
		byID[g.ID] = n
		if p, ok := byID[g.ParentID]; ok && g.ParentID != 0 {
			p.Sub = append(p.Sub, n)
		} else {
			roots = append(roots, n)
		}
		path = append(path, n)
	}
	return roots
}

// parentOption is one choice of the create form's parent select.
type parentOption struct {
	ID       int64
	Label    string
	Selected bool
}

// parentOptions are the places a new group may go: any group but a
// position (the Position root makes a new position). In a tree too big for
// one select, the upper levels and the chosen parent; "Add subgroup" in the
// tree chooses any other.
func parentOptions(groups []db.Group, selected int64, l groupLabels) []parentOption {
	out := make([]parentOption, 0, min(len(groups), treeBudget))
	for _, g := range groups {
		if g.Position || (len(groups) > treeBudget && g.Depth > 0 && g.ID != selected) {
			continue
		}
		label := g.Path
		if g.Builtin {
			label = l.Root + " " + l.NewPosition
		}
		out = append(out, parentOption{ID: g.ID, Label: label, Selected: g.ID == selected})
	}
	return out
}

// groupForm creates a group, at the top level or under parent_id.
type groupForm struct {
	Name     string `form:"name"`
	ParentID int64  `form:"parent_id"`
}

// groupsPage is the groups page (R-GROUP-1, R-GROUP-6): the tree with the
// direct and total member count of every group, a filter box, and the form
// that creates a group at the top level or under a chosen parent.
type groupsPage struct {
	Q       string
	Under   db.Group // the group whose subtree is shown, or none
	Tree    []*groupNode
	Shown   int
	Cut     bool       // too many groups to show at once: see treeBudget
	Parents []db.Group // every group of the account, for the parent select
	Options []parentOption
	Form    groupForm
	Errors  map[string]string
	L       groupLabels
}

func (groupsPage) nav() string { return "groups" }

// groupLabels are the words repeated on every node of the tree, translated
// once per page rather than once per node (the tree may hold thousands).
type groupLabels struct {
	Root, NewPosition, Builtin, Position, AddSub, AddPosition string
	Manage                                                    bool
}

func (s *Server) groupsPageData(c echo.Context, q string, under int64) (groupsPage, error) {
	tr := s.tr(c)
	p := groupsPage{Q: q, L: groupLabels{Root: tr.T("groups.position_root"), NewPosition: tr.T("groups.new_position"),
		Builtin: tr.T("groups.builtin"), Position: tr.T("groups.position"), AddSub: tr.T("groups.add_sub"),
		AddPosition: tr.T("groups.add_position"), Manage: actor(c).Can(db.PermGroupsManage)}}
	all, err := s.db.GroupTree(c.Request().Context(), actor(c), "")
	if err != nil {
		return p, err
	}
	shown := all
	if under != 0 {
		if shown = db.Subtree(all, under); shown == nil {
			return p, db.Errorf(db.ENOTFOUND, "error.not_found")
		}
		p.Under = shown[0]
	}
	shown = db.FilterTree(shown, q)
	p.Tree, p.Shown, p.Cut = nest(shown, p.L), len(shown), len(shown) > treeBudget
	var more func([]*groupNode)
	more = func(nodes []*groupNode) {
		for _, n := range nodes {
			if n.Hidden > 0 {
				n.More = tr.T("groups.more", "Count", n.Hidden)
			}
			more(n.Sub)
		}
	}
	more(p.Tree)
	if p.L.Manage {
		p.Parents = all
	}
	return p, nil
}

func (s *Server) groupsTree(c echo.Context) error {
	under, _ := strconv.ParseInt(c.QueryParam("under"), 10, 64)
	p, err := s.groupsPageData(c, c.QueryParam("q"), under)
	if err != nil {
		return err
	}
	p.Form.ParentID, _ = strconv.ParseInt(c.QueryParam("parent"), 10, 64)
	p.Options = parentOptions(p.Parents, p.Form.ParentID, p.L)
	if c.Request().Header.Get("HX-Request") == "true" && c.Request().Header.Get("HX-Target") == "tree" {
		return s.render(c, http.StatusOK, "groups#tree", p)
	}
	return s.render(c, http.StatusOK, "groups", p)
}

func (s *Server) groupsCreate(c echo.Context) error {
	var in groupForm
	if err := bindForm(c, &in); err != nil {
		return err
	}
	g, err := s.db.CreateGroup(c.Request().Context(), actor(c), db.GroupInput{Name: in.Name, ParentID: in.ParentID})
	if err != nil {
		r, ok := s.formError(c, err)
		if !ok {
			return err
		}
		p, perr := s.groupsPageData(c, "", 0)
		if perr != nil {
			return perr
		}
		p.Form, p.Errors = in, r.Fields
		p.Options = parentOptions(p.Parents, in.ParentID, p.L)
		return s.render(c, r.Status, "groups", p)
	}
	s.flash(c, "group.created", "Name", g.Path)
	return c.Redirect(http.StatusSeeOther, "/groups#g-"+strconv.FormatInt(g.ID, 10))
}

// groupEditForm renames (op=rename) or moves (op=move) a group.
type groupEditForm struct {
	Op       string `form:"op"`
	Name     string `form:"name"`
	ParentID int64  `form:"parent_id"`
}

// groupPage is one group (R-GROUP-6): its path, counts and members, with
// or without its subgroups, and for groups.manage the rename, move and
// delete forms.
type groupPage struct {
	G       db.Group
	F       db.MemberFilter
	Members db.Page[db.GroupMember]
	Parents []db.Group // where it may move: not itself, not under itself
	Trimmed bool       // Parents holds only the top level and the ancestors
	Form    groupEditForm
	Errors  map[string]string
	Error   string
	Audit   *auditRecent // nil without audit.view
}

func (groupPage) nav() string { return "groups" }

// List is the state of the member list in its URL.
func (p groupPage) List() list {
	return list{Path: "/groups/" + strconv.FormatInt(p.G.ID, 10), Page: p.Members.Page, Pages: p.Members.Pages(),
		Filters: []string{"q", p.F.Q, "deep", strconv.FormatBool(p.F.Deep)}}
}

// DeepURL lists the members with those of the subgroups.
func (p groupPage) DeepURL() string { return p.List().URL("deep", "true", "page", "") }

// DirectURL lists only the group's own members.
func (p groupPage) DirectURL() string { return p.List().URL("deep", "", "page", "") }

func (s *Server) groupPageData(c echo.Context, id int64) (groupPage, error) {
	ctx := c.Request().Context()
	a := actor(c)
	var p groupPage
	if err := bindQuery(c, &p.F); err != nil {
		return p, err
	}
	var err error
	if p.G, err = s.db.GetGroup(ctx, a, id); err != nil {
		return p, err
	}
	if p.Members, err = s.db.GroupMembers(ctx, a, id, p.F); err != nil {
		return p, err
	}
	p.F.Page = p.Members.Page
	if p.Audit, err = s.recentAudit(c, "group", id); err != nil {
		return p, err
	}
	p.Form = groupEditForm{Name: p.G.Name, ParentID: p.G.ParentID}
	if a.Can(db.PermGroupsManage) && !p.G.Builtin && !p.G.Position {
		all, err := s.db.GroupOptions(ctx, a)
		if err != nil {
			return p, err
		}
		p.Parents, p.Trimmed = moveTargets(all, p.G)
	}
	return p, nil
}

// moveTargets are the groups g may move under: not itself or anything
// under it, not Position or a position. In a tree too big for one select
// (treeBudget), the top level and g's own ancestors; the API moves
// anywhere.
func moveTargets(all []db.Group, g db.Group) (targets []db.Group, trimmed bool) {
	under := map[int64]bool{g.ID: true}
	ancestor := map[int64]bool{}
	for _, x := range all {
		if under[x.ParentID] {
			under[x.ID] = true
		}
	}
	for _, x := range all {
		if strings.HasPrefix(g.Path, x.Path+" › ") {
			ancestor[x.ID] = true
		}
	}
	big := len(all) > treeBudget
	for _, x := range all {
		if under[x.ID] || x.Builtin || x.Position || (big && x.Depth > 0 && !ancestor[x.ID]) {
			continue
		}
		targets = append(targets, x)
	}
	return targets, big
}

func (s *Server) groupsShow(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	p, err := s.groupPageData(c, id)
	if err != nil {
		return err
	}
	if c.Request().Header.Get("HX-Request") == "true" && c.Request().Header.Get("HX-Target") == "members" {
		return s.render(c, http.StatusOK, "group#members", p)
	}
	return s.render(c, http.StatusOK, "group", p)
}

// groupsUpdate renames or moves a group (R-GROUP-5); a refusal comes back
// on the group's page with the typed value.
func (s *Server) groupsUpdate(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in groupEditForm
	if err := bindForm(c, &in); err != nil {
		return err
	}
	var patch db.GroupPatch
	if in.Op == "move" {
		patch.ParentID = &in.ParentID
	} else {
		patch.Name = &in.Name
	}
	g, err := s.db.UpdateGroup(c.Request().Context(), actor(c), id, patch)
	if err != nil {
		return s.groupRefused(c, id, in, err)
	}
	s.flash(c, "group.saved", "Name", g.Path)
	return c.Redirect(http.StatusSeeOther, "/groups/"+strconv.FormatInt(id, 10))
}

// groupsDelete deletes a group and its empty subgroups after the page's
// confirmation; a group with members is refused, saying where (R-GROUP-5).
func (s *Server) groupsDelete(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	g, err := s.db.GetGroup(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	if err := s.db.DeleteGroup(c.Request().Context(), actor(c), id); err != nil {
		return s.groupRefused(c, id, groupEditForm{}, err)
	}
	s.flash(c, "group.deleted", "Name", g.Path)
	return c.Redirect(http.StatusSeeOther, "/groups")
}

func (s *Server) groupRefused(c echo.Context, id int64, in groupEditForm, err error) error {
	r, ok := s.formError(c, err)
	if !ok {
		return err
	}
	p, perr := s.groupPageData(c, id)
	if perr != nil {
		return perr
	}
	switch in.Op {
	case "move":
		p.Form.ParentID = in.ParentID
	case "rename":
		p.Form.Name = in.Name
	}
	p.Errors, p.Error = r.Fields, r.Msg
	return s.render(c, r.Status, "group", p)
}
