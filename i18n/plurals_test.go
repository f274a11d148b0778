package i18n_test

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"kadra/assets"
	"kadra/i18n"
)

// R-I18N-1: counts read right in Polish for 1, 2–4, 5+, 12–14 and 22–24
// ("1 osoba, 2 osoby, 5 osób, 12 osób, 22 osoby").
func TestPolishPlurals(t *testing.T) {
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	pl := b.Translator("pl")
	counts := []int{1, 2, 5, 12, 14, 22, 25}
	for _, c := range []struct {
		id   string
		data []any
		want []string // for each of counts
	}{
		{"users.count", nil, []string{"1 użytkownik", "2 użytkownicy", "5 użytkowników", "12 użytkowników", "14 użytkowników", "22 użytkownicy", "25 użytkowników"}},
		{"groups.members.count", nil, []string{"1 członek", "2 członkowie", "5 członków", "12 członków", "14 członków", "22 członkowie", "25 członków"}},
		{"senders.count", nil, []string{"1 nadawca", "2 nadawcy", "5 nadawców", "12 nadawców", "14 nadawców", "22 nadawcy", "25 nadawców"}},
		{"numbers.count", nil, []string{"1 numer", "2 numery", "5 numerów", "12 numerów", "14 numerów", "22 numery", "25 numerów"}},
		{"accounts.count", nil, []string{"1 konto", "2 konta", "5 kont", "12 kont", "14 kont", "22 konta", "25 kont"}},
		{"licenses.count", nil, []string{"1 licencja", "2 licencje", "5 licencji", "12 licencji", "14 licencji", "22 licencje", "25 licencji"}},
		{"audit.count", nil, []string{"1 wpis", "2 wpisy", "5 wpisów", "12 wpisów", "14 wpisów", "22 wpisy", "25 wpisów"}},
		{"groups.count", nil, []string{"1 grupa", "2 grupy", "5 grup", "12 grup", "14 grup", "22 grupy", "25 grup"}},
		{"sip.count", nil, []string{"1 konto SIP", "2 konta SIP", "5 kont SIP", "12 kont SIP", "14 kont SIP", "22 konta SIP", "25 kont SIP"}},
		{"outbox.attempts", nil, []string{"1 próba", "2 próby", "5 prób", "12 prób", "14 prób", "22 próby", "25 prób"}},
		{"group.in_use", []any{"Name", "Sprzedaż", "List", "…"}, []string{
			"Nie można usunąć „Sprzedaż”: w niej lub w jej podgrupach jest 1 członek (…). Najpierw usuń go z grupy.",
			"Nie można usunąć „Sprzedaż”: w niej lub w jej podgrupach są 2 osoby (…). Najpierw usuń je z grup.",
			"Nie można usunąć „Sprzedaż”: w niej lub w jej podgrupach jest 5 osób (…). Najpierw usuń je z grup.",
			"Nie można usunąć „Sprzedaż”: w niej lub w jej podgrupach jest 12 osób (…). Najpierw usuń je z grup.",
			"Nie można usunąć „Sprzedaż”: w niej lub w jej podgrupach jest 14 osób (…). Najpierw usuń je z grup.",
			"Nie można usunąć „Sprzedaż”: w niej lub w jej podgrupach są 22 osoby (…). Najpierw usuń je z grup.",
			"Nie można usunąć „Sprzedaż”: w niej lub w jej podgrupach jest 25 osób (…). Najpierw usuń je z grup."}},
		{"users.bulk.confirm.change_role", nil, []string{"Zmienić grupę uprawnień 1 użytkownikowi?", "Zmienić grupę uprawnień 2 użytkownikom?",
			"Zmienić grupę uprawnień 5 użytkownikom?", "Zmienić grupę uprawnień 12 użytkownikom?", "Zmienić grupę uprawnień 14 użytkownikom?",
			"Zmienić grupę uprawnień 22 użytkownikom?", "Zmienić grupę uprawnień 25 użytkownikom?"}},
		{"dashboard.stat.users", nil, []string{"użytkownik", "użytkownicy", "użytkowników", "użytkowników", "użytkowników", "użytkownicy", "użytkowników"}},
		{"accounts.access.count", nil, []string{"1 użytkownik konta głównego", "2 użytkownicy konta głównego", "5 użytkowników konta głównego",
			"12 użytkowników konta głównego", "14 użytkowników konta głównego", "22 użytkownicy konta głównego", "25 użytkowników konta głównego"}},
		{"users.bulk.confirm.block", nil, []string{"Zablokować 1 użytkownika?", "Zablokować 2 użytkowników?", "Zablokować 5 użytkowników?",
			"Zablokować 12 użytkowników?", "Zablokować 14 użytkowników?", "Zablokować 22 użytkowników?", "Zablokować 25 użytkowników?"}},
		{"license.seats.below_used", nil, []string{
			"Zajęte jest 1 miejsce; zwolnij je, zanim zmniejszysz liczbę miejsc poniżej tego.",
			"Zajęte są 2 miejsca; zwolnij część, zanim zmniejszysz liczbę miejsc poniżej tego.",
			"Zajętych jest 5 miejsc; zwolnij część, zanim zmniejszysz liczbę miejsc poniżej tego.",
			"Zajętych jest 12 miejsc; zwolnij część, zanim zmniejszysz liczbę miejsc poniżej tego.",
			"Zajętych jest 14 miejsc; zwolnij część, zanim zmniejszysz liczbę miejsc poniżej tego.",
			"Zajęte są 22 miejsca; zwolnij część, zanim zmniejszysz liczbę miejsc poniżej tego.",
			"Zajętych jest 25 miejsc; zwolnij część, zanim zmniejszysz liczbę miejsc poniżej tego."}},
	} {
		for i, n := range counts {
			kv := append([]any{"Count", n, "N", n}, c.data...)
			if got := pl.T(c.id, kv...); got != c.want[i] {
				t.Errorf("%s with %d = %q, want %q", c.id, n, got, c.want[i])
			}
		}
	}
}

// Every Polish message with a count has the forms for 1 (one), 2–4 (few)
// and 5+ (many), so that no count falls back to a wrong one.
func TestPolishPluralForms(t *testing.T) {
	files, _ := fs.Glob(assets.I18n, "i18n/*.toml")
	for _, f := range files {
		if !strings.HasSuffix(f, "pl.toml") {
			continue
		}
		raw, _ := fs.ReadFile(assets.I18n, f)
		var m map[string]any
		if err := toml.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		for id, v := range m {
			forms, ok := v.(map[string]any)
			if !ok {
				continue
			}
			for _, form := range []string{"one", "few", "many", "other"} {
				if _, ok := forms[form]; !ok {
					t.Errorf("%s: %s has no %q form", f, id, form)
				}
			}
		}
	}
}
