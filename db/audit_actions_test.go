package db

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// R-AUDIT-2: every action code the domain writes is in the catalogue, the
// list the log's action filter, sentences and names are made from (the
// i18n test then checks each has a sentence and a name in pl and en). A
// new code written without its catalogue entry fails here.
func TestAuditCatalogueHasEveryAction(t *testing.T) {
	const code = `"([a-z_.]*[a-z_])"`
	literal := []*regexp.Regexp{
		regexp.MustCompile(`Action:\s*` + code),                  // change{Action: "x"}
		regexp.MustCompile(`[aA]ction\s*:?=\s*` + code),          // action := "x"
		regexp.MustCompile(`[aA]ction, [\w.]+ :?= ` + code),      // action, after := "x", ...
		regexp.MustCompile(`, [\w.]*Action :?= [\w.]+, ` + code), // kind, c.Action = k, "x"
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	written := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, re := range literal {
			for _, m := range re.FindAllStringSubmatch(string(src), -1) {
				written[m[1]] = true
			}
		}
	}
	// Codes made from a kind (numbers.go, numbers_users.go).
	for _, k := range PresentationKinds {
		for _, op := range []string{".create", ".update", ".delete"} {
			written[k.action+op] = true
		}
		written["user."+k.action] = true
	}
	if len(written) < 40 {
		t.Fatalf("found only %d codes: the patterns no longer match how changes are written", len(written))
	}
	known := AuditActions()
	for code := range written {
		if !slices.Contains(known, code) {
			t.Errorf("action %q is written but not in AuditCatalogue (db/audit_actions.go)", code)
		}
	}
	seen := map[string]bool{}
	for _, code := range known {
		if seen[code] {
			t.Errorf("action %q is twice in the catalogue", code)
		}
		seen[code] = true
		if !written[code] {
			t.Errorf("action %q is in the catalogue but written nowhere", code)
		}
	}
}
