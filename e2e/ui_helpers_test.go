package e2e

import "fmt"

// pickGroup types part of a group's name into the group picker whose
// select has id, waits for the tree of matches loaded by htmx and picks
// the group: what an admin does with 2,000 groups (R-GROUP-3).
func (b *browser) pickGroup(id, typed string, group int64) {
	b.t.Helper()
	b.fill(id+"-q", typed)
	b.click(fmt.Sprintf(`#%s-tree button.pick[data-id="%d"]`, id, group))
}
