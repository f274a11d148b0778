package handlers

// InactiveChoices are the user list's "inactive for N days" filter choices
// (R-GOV-1), with the one in the URL kept when it is not among them.
func (p usersPage) InactiveChoices() []int {
	out := []int{7, 14, 30, 60, 90, 180, 365}
	for _, n := range out {
		if n == p.F.InactiveDays {
			return out
		}
	}
	if p.F.InactiveDays > 0 {
		out = append(out, p.F.InactiveDays)
	}
	return out
}
