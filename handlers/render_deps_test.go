package handlers

import (
	"html/template"
	"io/fs"
	"path"
	"strings"
	"testing"
	"text/template/parse"

	"kadra/assets"
)

// Each page's template set holds only the partials it calls (memory,
// issue 15), yet every template the page can reach reads exactly as in a
// set of the layout, every partial and the page: nothing a page calls went
// missing, nothing was replaced by another definition of the same name.
func TestPageSetsHoldWhatTheyCall(t *testing.T) {
	p, err := parsePages()
	if err != nil {
		t.Fatal(err)
	}
	files, _ := fs.Glob(assets.Templates, "templates/pages/*.html")
	if len(files) == 0 {
		t.Fatal("no pages")
	}
	var fewer int
	for _, f := range files {
		full, err := template.New("layout.html").Funcs(templateFuncs).ParseFS(assets.Templates,
			"templates/layout.html", "templates/partials/*.html")
		if err == nil {
			full, err = full.ParseFS(assets.Templates, f)
		}
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(path.Base(f), ".html")
		small, err := p.lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		// Every template the small set holds reads as in the full set,
		// and each one it calls is there whenever the full set has it.
		for _, tmpl := range small.Templates() {
			want := full.Lookup(tmpl.Name())
			if want == nil || tmpl.Tree == nil || want.Tree == nil || strings.HasSuffix(tmpl.Name(), ".html") {
				continue // a file's own text outside its definitions is never executed
			}
			if tmpl.Tree.Root.String() != want.Tree.Root.String() {
				t.Errorf("%s: %q differs from the full set's", name, tmpl.Name())
			}
			for _, called := range appendCalls(nil, tmpl.Tree.Root) {
				if small.Lookup(called) == nil && full.Lookup(called) != nil {
					t.Errorf("%s: %q calls %q, missing from the page's set", name, tmpl.Name(), called)
				}
			}
		}
		if again, _ := p.lookup(name); again != small {
			t.Errorf("%s: parsed again on its second use", name)
		}
		if len(small.Templates()) < len(full.Templates()) {
			fewer++
		}
	}
	// The test can fail the other way too: sets that hold everything
	// would pass the checks above and save nothing.
	if fewer < len(files)/2 {
		t.Errorf("only %d of %d pages have smaller sets than the full one", fewer, len(files))
	}
}

// appendCalls finds calls however deeply nested in if, range and with.
func TestAppendCallsNested(t *testing.T) {
	tr := parse.New("x")
	tr.Mode = parse.SkipFuncCheck
	trees := map[string]*parse.Tree{}
	if _, err := tr.Parse(`{{if .A}}{{range .B}}{{with .C}}{{template "deep" .}}{{else}}{{template "other"}}{{end}}{{end}}{{else}}{{block "blk" .}}{{end}}{{end}}`, "", "", trees); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(appendCalls(nil, trees["x"].Root), ",")
	if got != "deep,other,blk" {
		t.Errorf("calls %q", got)
	}
}
