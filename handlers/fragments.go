package handlers

import (
	"bytes"
	"fmt"
	"html/template"
	"reflect"
	"strings"

	lru "github.com/hashicorp/golang-lru/v2"

	"kadra/i18n"
)

// fragments remembers rendered blocks of pages that many requests show
// alike: the user list's rows, the navigation, the list's bulk actions.
// A block is kept by its page, its name and the data it was rendered
// from, and that data must be a comparable value holding everything the
// block shows (strings, numbers, booleans, the translator): a change in
// any of it is another key, so a remembered block is never stale. It
// saves html/template's reflection over the same values on every
// request, which was most of a list page's cost (BENCHMARKS.md, "Speed at
// 100,000 users").
type fragments struct {
	cache *lru.Cache[fragmentKey, template.HTML]
	pages *pages
}

type fragmentKey struct {
	page, block string
	data        any
}

// fragmentCacheSize bounds the blocks kept: forty pages of fifty rows,
// about 1.5 KB each with their keys.
const fragmentCacheSize = 2000

func newFragments(p *pages) *fragments {
	c, _ := lru.New[fragmentKey, template.HTML](fragmentCacheSize) // errs only on a size below 1
	return &fragments{cache: c, pages: p}
}

// render is block of page rendered with data, from memory when the same
// data was rendered before. data must be comparable (see fragments).
func (f *fragments) render(page, block string, data any) (template.HTML, error) {
	if t := reflect.TypeOf(data); t == nil || !t.Comparable() {
		return "", fmt.Errorf("render %s#%s: %T cannot be a key", page, block, data)
	}
	key := fragmentKey{page, block, data}
	if html, ok := f.cache.Get(key); ok {
		return html, nil
	}
	t, err := f.pages.lookup(page)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, block, data); err != nil {
		return "", fmt.Errorf("render %s#%s: %w", page, block, err)
	}
	html := template.HTML(buf.String())
	f.cache.Add(key, html)
	return html, nil
}

// navView is what the main navigation shows: the entries the actor may
// open (their keys, space-separated), the current one and the outbox's
// count.
type navView struct {
	T       i18n.Translator
	Keys    string
	Current string
	Unsent  int
}

// Items are the entries named by Keys.
func (n navView) Items() []navItem {
	out := []navItem{}
	for _, k := range strings.Fields(n.Keys) {
		for _, it := range navItems {
			if it.Key == k {
				out = append(out, it)
			}
		}
	}
	return out
}
