package handlers

import "strings"

// errorSummary is the box at the top of a refused form: every field's
// message, in the order of the form, each a link to its field (R-SEC-1).
type errorSummary struct {
	Title string
	Items []summaryItem
}

type summaryItem struct {
	Href, Label, Msg string
}

// ErrorSummary lists errs in the order of fields, each "name=label-id";
// messages of fields not named come last, under no label.
func (v view) ErrorSummary(errs map[string]string, fields ...string) errorSummary {
	var out errorSummary
	if len(errs) == 0 {
		return out
	}
	seen := map[string]bool{}
	for _, f := range fields {
		name, label, _ := strings.Cut(f, "=")
		if m, ok := errs[name]; ok {
			out.Items = append(out.Items, summaryItem{Href: "#f-" + name, Label: v.T(label), Msg: m})
			seen[name] = true
		}
	}
	for name, m := range errs {
		if !seen[name] {
			out.Items = append(out.Items, summaryItem{Href: "#f-" + name, Msg: m})
		}
	}
	out.Title = v.T("ui.form.summary", "Count", len(out.Items))
	return out
}
