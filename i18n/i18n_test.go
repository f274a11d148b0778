package i18n_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"kadra/assets"
)

// messageIDs reads every message of a language: LANG.toml and the files of
// one area each, AREA.LANG.toml. An ID defined twice fails the test.
func messageIDs(t *testing.T, lang string) map[string]bool {
	t.Helper()
	files, err := fs.Glob(assets.I18n, "i18n/*.toml")
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, f := range files {
		base := strings.TrimSuffix(filepath.Base(f), ".toml")
		if base != lang && !strings.HasSuffix(base, "."+lang) {
			continue
		}
		var m map[string]any
		b, err := fs.ReadFile(assets.I18n, f)
		if err != nil {
			t.Fatal(err)
		}
		if err := toml.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		for k := range m {
			if ids[k] {
				t.Errorf("%s defines %q again", f, k)
			}
			ids[k] = true
		}
	}
	return ids
}

// Both languages carry the same messages, and every message ID the code or
// the templates use exists.
func TestTranslationsComplete(t *testing.T) {
	en, pl := messageIDs(t, "en"), messageIDs(t, "pl")
	for id := range en {
		if !pl[id] {
			t.Errorf("pl.toml lacks %q", id)
		}
	}
	for id := range pl {
		if !en[id] {
			t.Errorf("en.toml lacks %q", id)
		}
	}
	// IDs in Go code: M("x.y"), Errorf(code, "x.y"), flash(c, "x.y"), T("x.y").
	goRe := regexp.MustCompile(`(?:M|Errorf\([a-zA-Z.]+,|flash\(c,|\.T)\(?\s*"([a-z_]+(?:\.[a-z_]+)+)"`)
	tmplRe := regexp.MustCompile(`\.T "([a-z_]+(?:\.[a-z_]+)+)"`)
	used := map[string]string{}
	root := filepath.Join("..")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "internal" || d.Name() == ".git" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		re := goRe
		switch {
		case strings.HasSuffix(p, "_test.go") || strings.HasSuffix(p, "main.go"):
			return nil
		case strings.HasSuffix(p, ".go"):
		case strings.HasSuffix(p, ".html"):
			re = tmplRe
		default:
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = p
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	for id, file := range used {
		if !en[id] {
			missing = append(missing, id+" (in "+file+")")
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Fatalf("message IDs used but not in en.toml:\n%s", strings.Join(missing, "\n"))
	}
}
