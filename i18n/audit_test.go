package i18n_test

import (
	"strings"
	"testing"

	"kadra/db"
	"kadra/i18n"
)

// R-AUDIT-2: every action the domain writes (db.AuditCatalogue, which
// db's own test holds to the code) reads as a sentence and has a name in
// Polish and in English, and the Polish is not the English. A code without
// them fails here.
func TestAuditSentencesForEveryAction(t *testing.T) {
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	pl, en := b.Translator("pl"), b.Translator("en")
	for _, o := range db.AuditCatalogue() {
		for _, tr := range []i18n.Translator{pl, en} {
			if id := "audit.object." + o.Object; tr.T(id) == id {
				t.Errorf("%s: no name for the object %q", tr.Lang(), o.Object)
			}
		}
		for _, code := range o.Actions {
			for _, id := range []string{"audit.did." + code, "audit.action." + code} {
				p, e := pl.T(id, "Target", "Jan Nowak"), en.T(id, "Target", "Jan Nowak")
				if p == id || e == id {
					t.Errorf("%s is missing (pl %q, en %q)", id, p, e)
					continue
				}
				if p == e {
					t.Errorf("%s is the same in pl and en: %q", id, p)
				}
				if strings.Contains(p, code) || strings.Contains(p, "{{") {
					t.Errorf("%s shows a code or a template: %q", id, p)
				}
			}
		}
	}
}
