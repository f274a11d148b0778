package handlers

import (
	"fmt"
	"io/fs"
	"slices"
	"text/template/parse"
)

// templateFiles maps each page file to the files its template set is
// parsed from: the layout, the partial files defining a template the
// layout or the page calls (directly or through another partial), and the
// page last, in the order a full parse would take them. A page set used to
// clone every partial: 57 pages times some 50 KB of templates made 32 MiB
// of parse trees, three quarters of kadra's heap at start, scanned by the
// collector on every cycle (BENCHMARKS.md, "Memory"). Template names are
// constants in Go templates, so the calls a file makes are known from its
// text.
func templateFiles(fsys fs.FS, layout string, partials, pages []string) (map[string][]string, error) {
	calls := map[string][]string{} // file -> names it calls
	definedIn := map[string]string{}
	scan := func(file string) error {
		b, err := fs.ReadFile(fsys, file)
		if err != nil {
			return err
		}
		t := parse.New(file)
		t.Mode = parse.SkipFuncCheck
		trees := map[string]*parse.Tree{}
		if _, err := t.Parse(string(b), "", "", trees); err != nil {
			return fmt.Errorf("template %s: %w", file, err)
		}
		for name, tree := range trees {
			if name != file {
				definedIn[name] = file // a later partial's definition wins, as in a full parse
			}
			if tree.Root != nil {
				calls[file] = appendCalls(calls[file], tree.Root)
			}
		}
		return nil
	}
	for _, f := range append([]string{layout}, partials...) {
		if err := scan(f); err != nil {
			return nil, err
		}
	}
	out := make(map[string][]string, len(pages))
	for _, page := range pages {
		// The page's own definitions replace the partials' of the same
		// name, so its calls are scanned after the map is complete; its
		// own names need no partial.
		pageDefs := map[string]*parse.Tree{}
		b, err := fs.ReadFile(fsys, page)
		if err != nil {
			return nil, err
		}
		t := parse.New(page)
		t.Mode = parse.SkipFuncCheck
		if _, err := t.Parse(string(b), "", "", pageDefs); err != nil {
			return nil, fmt.Errorf("template %s: %w", page, err)
		}
		var todo []string
		for _, tree := range pageDefs {
			if tree.Root != nil {
				todo = appendCalls(todo, tree.Root)
			}
		}
		todo = append(todo, calls[layout]...)
		need := map[string]bool{}
		for len(todo) > 0 {
			name := todo[len(todo)-1]
			todo = todo[:len(todo)-1]
			if _, own := pageDefs[name]; own {
				continue
			}
			f, ok := definedIn[name]
			if !ok || f == layout || need[f] {
				continue // undefined: executing it fails as it always did
			}
			need[f] = true
			todo = append(todo, calls[f]...)
		}
		files := []string{layout}
		for _, f := range partials {
			if need[f] {
				files = append(files, f)
			}
		}
		out[page] = append(files, page)
	}
	return out, nil
}

// appendCalls appends the names of the templates that node calls
// ({{template "x"}}, and {{block "x"}}, which parses as a call).
func appendCalls(names []string, node parse.Node) []string {
	switch n := node.(type) {
	case *parse.ListNode:
		if n == nil {
			return names
		}
		for _, c := range n.Nodes {
			names = appendCalls(names, c)
		}
	case *parse.TemplateNode:
		if !slices.Contains(names, n.Name) {
			names = append(names, n.Name)
		}
	case *parse.IfNode:
		names = appendCalls(names, n.List)
		names = appendCalls(names, n.ElseList)
	case *parse.RangeNode:
		names = appendCalls(names, n.List)
		names = appendCalls(names, n.ElseList)
	case *parse.WithNode:
		names = appendCalls(names, n.List)
		names = appendCalls(names, n.ElseList)
	}
	return names
}
