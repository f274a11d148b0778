package i18n

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// months are the month names as a date says them: Polish takes the
// genitive ("1 grudnia 2026").
var months = map[string][12]string{
	"pl": {"stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca",
		"lipca", "sierpnia", "września", "października", "listopada", "grudnia"},
	"en": {"January", "February", "March", "April", "May", "June",
		"July", "August", "September", "October", "November", "December"},
}

// Time is the one way a time is shown to a person: "1 grudnia 2026, 14:05"
// or "1 December 2026, 14:05", in loc. The zero time is "".
func (tr Translator) Time(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(loc)
	return tr.Day(t, loc) + ", " + t.Format("15:04")
}

// Day is the date alone: "1 grudnia 2026", "1 December 2026".
func (tr Translator) Day(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(loc)
	m := months["en"]
	if ms, ok := months[tr.lang]; ok {
		m = ms
	}
	return fmt.Sprintf("%d %s %d", t.Day(), m[t.Month()-1], t.Year())
}

// Ago says how long before now t was: "5 min temu", "3 dni temu",
// "5 min ago". Beyond a month it is the date (in loc), which reads better
// than "14 months ago".
func (tr Translator) Ago(t, now time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return tr.T("time.ago.now")
	case d < time.Hour:
		return tr.T("time.ago.minutes", "Count", int(d/time.Minute))
	case d < 24*time.Hour:
		return tr.T("time.ago.hours", "Count", int(d/time.Hour))
	case d < 31*24*time.Hour:
		return tr.T("time.ago.days", "Count", int(d/(24*time.Hour)))
	}
	return tr.Day(t, loc)
}

// DateInput is how a date field shows a day: dd.mm.rrrr in Polish,
// yyyy-mm-dd otherwise.
func (tr Translator) DateInput(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	if tr.lang == "pl" {
		return t.Format("02.01.2006")
	}
	return t.Format("2006-01-02")
}

// ParseDate reads a date field: dd.mm.rrrr (also d.m.rrrr), or ISO
// yyyy-mm-dd in any language, as the midnight that starts that day in loc.
func ParseDate(s string, loc *time.Location) (time.Time, bool) {
	s = strings.TrimSpace(s)
	var y, m, d int
	if p := strings.Split(s, "."); len(p) == 3 {
		d, m, y = atoi(p[0]), atoi(p[1]), atoi(p[2])
	} else if p := strings.Split(s, "-"); len(p) == 3 {
		y, m, d = atoi(p[0]), atoi(p[1]), atoi(p[2])
	} else {
		return time.Time{}, false
	}
	if y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, loc)
	if t.Day() != d { // 31.02 rolls over into March
		return time.Time{}, false
	}
	return t, true
}

func atoi(s string) int {
	if len(s) == 0 || len(s) > 4 {
		return -1
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}
