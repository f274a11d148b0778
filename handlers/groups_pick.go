package handlers

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"kadra/db"
)

// groupPickPage is one answer of the group picker (R-GROUP-3 at scale):
// a slice of the tree as <li> nodes, loaded by htmx while the admin types
// or opens a branch, so that no page carries every group.
type groupPickPage struct {
	Nodes  []*pickNode
	Total  int
	Shown  int
	Capped bool
	Search bool
}

// pickNode is a group with the nodes under it that this answer carries.
type pickNode struct {
	db.Group
	Match bool // matched the search (the others are its ancestors)
	Kids  []*pickNode
}

// pickTree nests a tree-ordered slice by depth.
func pickTree(p db.GroupPick) []*pickNode {
	var roots []*pickNode
	var stack []*pickNode
	for _, g := range p.Groups {
		n := &pickNode{Group: g, Match: p.Match[g.ID]}
		for len(stack) > 0 && stack[len(stack)-1].Depth >= g.Depth {
			stack = stack[:len(stack)-1]
		}
		if len(stack) == 0 {
			roots = append(roots, n)
		} else {
			top := stack[len(stack)-1]
			top.Kids = append(top.Kids, n)
		}
		stack = append(stack, n)
	}
	return roots
}

// groupsPick answers GET /groups/pick: the groups matching group_q (or q),
// or the subgroups of parent, at most db.GroupPickLimit of them; plain=1
// leaves out the positions. Only the acting account's groups (isolation).
func (s *Server) groupsPick(c echo.Context) error {
	q := c.QueryParam("group_q")
	if q == "" {
		q = c.QueryParam("q")
	}
	parent, _ := strconv.ParseInt(c.QueryParam("parent"), 10, 64)
	res, err := s.db.PickGroups(c.Request().Context(), actor(c),
		db.GroupPickQuery{Q: q, Parent: parent, Plain: c.QueryParam("plain") == "1"})
	if err != nil {
		return err
	}
	p := groupPickPage{Nodes: pickTree(res), Total: res.Total, Shown: len(res.Match), Capped: res.Capped(), Search: q != ""}
	return s.render(c, http.StatusOK, "group-pick#content", p)
}

// groupPicker is what the picker's partial needs besides the view: the
// field, the chosen groups and the choices a browser without script gets.
type groupPicker struct {
	ID      string // element id prefix
	Name    string // the field posted: group_id or group_ids
	Label   string
	Many    bool
	Plain   bool
	Q       string     // the search typed without script
	Chosen  []db.Group // shown as chips, and selected
	Choices []db.Group // the other options of the plain select
	Capped  bool       // more groups than the plain select holds
	Any     string     // the label of "no group" (single choice only)
	Find    bool       // offer the search button that works without script
	// Options are the plain select's options, Chosen then Choices,
	// rendered once per distinct list (fragments.go): up to fifty per
	// picker, and the user list carries two pickers.
	Options template.HTML
}

// pickOptions is the plain select's options as one comparable value: per
// option its id, whether it is chosen and its path, separated by control
// characters no group name holds.
type pickOptions struct{ Items string }

// separators drops the separators of pickOptions from a path.
var separators = strings.NewReplacer("\x1e", "", "\x1f", "")

type pickOption struct {
	ID     string
	Chosen bool
	Path   string
}

// List are the options of Items.
func (p pickOptions) List() []pickOption {
	var out []pickOption
	for item := range strings.SplitSeq(p.Items, "\x1e") {
		if item == "" {
			continue
		}
		f := strings.SplitN(item, "\x1f", 3)
		if len(f) == 3 {
			out = append(out, pickOption{ID: f[0], Chosen: f[1] == "1", Path: f[2]})
		}
	}
	return out
}

// newGroupPicker reads the chosen groups and the plain select's choices:
// what matches q, or else the top level, capped like the picker's answers.
func (s *Server) newGroupPicker(c echo.Context, pk groupPicker, chosen []int64) (groupPicker, error) {
	ctx, a := c.Request().Context(), actor(c)
	var err error
	if pk.Chosen, err = s.db.GroupsByID(ctx, a, chosen); err != nil {
		return pk, err
	}
	res, err := s.db.PickGroups(ctx, a, db.GroupPickQuery{Q: pk.Q, Plain: pk.Plain})
	if err != nil {
		return pk, err
	}
	for _, g := range res.Groups {
		if res.Match[g.ID] && !containsGroup(pk.Chosen, g.ID) {
			pk.Choices = append(pk.Choices, g)
		}
	}
	pk.Capped = res.Capped()
	var b strings.Builder
	for i, list := range [][]db.Group{pk.Chosen, pk.Choices} {
		for _, g := range list {
			b.WriteString(strconv.FormatInt(g.ID, 10))
			b.WriteString("\x1f")
			b.WriteString(strconv.Itoa(1 - i)) // the chosen come first
			b.WriteString("\x1f")
			b.WriteString(separators.Replace(g.Path))
			b.WriteString("\x1e")
		}
	}
	pk.Options, err = s.fragments.render("group-pick", "group-picker-options", pickOptions{Items: b.String()})
	return pk, err
}

func containsGroup(gs []db.Group, id int64) bool {
	for _, g := range gs {
		if g.ID == id {
			return true
		}
	}
	return false
}
