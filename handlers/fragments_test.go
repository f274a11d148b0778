package handlers

import (
	"strings"
	"testing"
)

// A block is kept by the value it was rendered from, so its data must be
// comparable: anything else is refused with an error, never a panic.
func TestFragmentsRefuseUncomparableData(t *testing.T) {
	p, err := parsePages()
	if err != nil {
		t.Fatal(err)
	}
	f := newFragments(p)
	if _, err := f.render("group-pick", "group-picker-options", map[string]string{}); err == nil {
		t.Fatal("a map was taken as a key")
	}
	html, err := f.render("group-pick", "group-picker-options", pickOptions{Items: "7\x1f1\x1fSprzedaż › <Kraj>\x1e"})
	if err != nil {
		t.Fatal(err)
	}
	if want := `<option value="7" selected>Sprzedaż › &lt;Kraj&gt;</option>`; string(html) != want {
		t.Fatalf("got %s, want %s", html, want)
	}
	again, _ := f.render("group-pick", "group-picker-options", pickOptions{Items: "7\x1f1\x1fSprzedaż › <Kraj>\x1e"})
	if again != html || f.cache.Len() != 1 {
		t.Fatalf("the same data rendered twice: %d kept", f.cache.Len())
	}
	if strings.Contains(string(html), "<Kraj>") {
		t.Fatal("not escaped")
	}
}
