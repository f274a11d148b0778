package handlers

import (
	"net/url"
	"strconv"

	"kadra/i18n"
)

// list is the state of an HTML list page as its URL holds it: the filters,
// the sort and the page, so that a filtered view can be bookmarked and a
// row action returns to it. Every list page describes itself with one (its
// List method), and the sort links, the pager and "back here" are made from
// it the same way: a value that is empty, "0" or "false" is left out and
// page 1 is no page, so the default view has a clean URL.
type list struct {
	Path        string
	Filters     []string // key, value pairs
	Sort        string   // "key" ascending, "-key" descending, "" DefaultSort
	DefaultSort string
	Page, Pages int
	Fragment    string // where on the page the list is, e.g. "#access"
}

// URL is the list's address with some parameters replaced: kv are key,
// value pairs, and an empty value removes its key.
func (l list) URL(kv ...string) string {
	v := url.Values{}
	set := func(k, val string) {
		if val == "" || val == "0" || val == "false" || (k == "page" && val == "1") {
			v.Del(k)
		} else {
			v.Set(k, val)
		}
	}
	for i := 0; i+1 < len(l.Filters); i += 2 {
		set(l.Filters[i], l.Filters[i+1])
	}
	set("sort", l.Sort)
	set("page", strconv.Itoa(l.Page))
	for i := 0; i+1 < len(kv); i += 2 {
		set(kv[i], kv[i+1])
	}
	u := l.Path
	if len(v) > 0 {
		u += "?" + v.Encode()
	}
	return u + l.Fragment
}

// Here is the list as it is shown, for coming back to it after an action.
func (l list) Here() string { return l.URL() }

// SortURL sorts by key from the first page, toggling the direction when
// the list is already sorted by it.
func (l list) SortURL(key string) string {
	s := key
	if l.sort() == key {
		s = "-" + key
	}
	return l.URL("sort", s, "page", "")
}

// sortHead is a sortable column's heading: its label, the link that sorts
// by it, and its aria-sort mark ("" when the list is not sorted by it).
type sortHead struct{ URL, Mark, Label string }

// Head is the heading of the column key.
func (l list) Head(key, label string) sortHead {
	return sortHead{URL: l.SortURL(key), Mark: l.SortMark(key), Label: label}
}

// Heads are the headings of the columns keys, labelled by the messages
// prefix+key: worked out here, so that a wide table's heading row costs
// its template a few actions per column.
func (l list) Heads(tr i18n.Translator, prefix string, keys ...string) []sortHead {
	out := make([]sortHead, len(keys))
	for i, k := range keys {
		out[i] = l.Head(k, tr.T(prefix+k))
	}
	return out
}

// SortMark is the aria-sort value of the column key: "ascending",
// "descending", or "" when the list is not sorted by it.
func (l list) SortMark(key string) string {
	switch l.sort() {
	case key:
		return "ascending"
	case "-" + key:
		return "descending"
	}
	return ""
}

func (l list) sort() string {
	if l.Sort == "" {
		return l.DefaultSort
	}
	return l.Sort
}

// Pager links the pages before and after this one.
func (l list) Pager() pager {
	p := pager{Page: l.Page, Pages: l.Pages}
	if l.Page > 1 {
		p.Prev = l.URL("page", strconv.Itoa(l.Page-1))
	}
	if l.Page < l.Pages {
		p.Next = l.URL("page", strconv.Itoa(l.Page+1))
	}
	return p
}

// pager is the data of the "pager" partial.
type pager struct {
	Page, Pages int
	Prev, Next  string
}
