package i18n_test

import (
	"testing"
	"time"

	_ "time/tzdata"

	"kadra/i18n"
	"kadra/tz"
)

// R-I18N-2: one formatter: "1 grudnia 2026, 14:05" (months in the
// genitive), "1 December 2026, 14:05", in the viewer's zone; relative
// times with Polish plurals; dates typed dd.mm.rrrr or ISO.
func TestTimeFormat(t *testing.T) {
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	pl, en := b.Translator("pl"), b.Translator("en")
	waw := tz.Or("")
	at := time.Date(2026, 12, 1, 13, 5, 0, 0, time.UTC)
	if got := pl.Time(at, waw); got != "1 grudnia 2026, 14:05" {
		t.Errorf("pl %q", got)
	}
	if got := en.Time(at, waw); got != "1 December 2026, 14:05" {
		t.Errorf("en %q", got)
	}
	if got := pl.Time(time.Date(2026, 6, 30, 22, 30, 0, 0, time.UTC), waw); got != "1 lipca 2026, 00:30" {
		t.Errorf("summer %q", got)
	}
	if pl.Time(time.Time{}, waw) != "" {
		t.Error("zero time shown")
	}
	for _, c := range []struct {
		ago    time.Duration
		pl, en string
	}{
		{10 * time.Second, "przed chwilą", "just now"},
		{time.Minute, "minutę temu", "a minute ago"},
		{5 * time.Minute, "5 min temu", "5 min ago"},
		{2 * time.Hour, "2 godziny temu", "2 hours ago"},
		{5 * time.Hour, "5 godzin temu", "5 hours ago"},
		{22 * time.Hour, "22 godziny temu", "22 hours ago"},
		{12 * time.Hour, "12 godzin temu", "12 hours ago"},
		{3 * 24 * time.Hour, "3 dni temu", "3 days ago"},
		{24 * time.Hour, "dzień temu", "a day ago"},
		{60 * 24 * time.Hour, "2 października 2026", "2 October 2026"},
	} {
		if got := pl.Ago(at.Add(-c.ago), at, waw); got != c.pl {
			t.Errorf("pl %s: %q, want %q", c.ago, got, c.pl)
		}
		if got := en.Ago(at.Add(-c.ago), at, waw); got != c.en {
			t.Errorf("en %s: %q, want %q", c.ago, got, c.en)
		}
	}
	for in, want := range map[string]string{"01.12.2026": "2026-12-01", "1.12.2026": "2026-12-01",
		"2026-12-01": "2026-12-01", " 29.02.2028 ": "2028-02-29"} {
		d, ok := i18n.ParseDate(in, waw)
		if !ok || d.Format("2006-01-02") != want || d.Location() != waw || d.Hour() != 0 {
			t.Errorf("%q: %v %v", in, d, ok)
		}
	}
	for _, in := range []string{"", "31.02.2026", "2026/12/01", "1.13.2026", "yesterday", "01.12.26"} {
		if _, ok := i18n.ParseDate(in, waw); ok {
			t.Errorf("%q read as a date", in)
		}
	}
	if got := pl.DateInput(time.Date(2026, 12, 1, 0, 0, 0, 0, waw)); got != "01.12.2026" {
		t.Errorf("pl field %q", got)
	}
	if _, ok := tz.Location("Local"); ok {
		t.Error("the server's zone is not a place")
	}
}
