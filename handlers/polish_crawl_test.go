package handlers_test

import (
	"html"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"kadra/assets"
	"kadra/db/dbtest"
)

// englishNeedles are the English texts of every message whose Polish text
// differs: whole messages, or, for a message with data, its literal parts
// long enough to mean something. A Polish page must show none of them.
func englishNeedles(t *testing.T) map[string]string {
	t.Helper()
	read := func(lang string) map[string][]string {
		out := map[string][]string{}
		files, _ := fs.Glob(assets.I18n, "i18n/*.toml")
		for _, f := range files {
			if !strings.HasSuffix(f, "/"+lang+".toml") && !strings.HasSuffix(f, "."+lang+".toml") {
				continue
			}
			b, err := fs.ReadFile(assets.I18n, f)
			if err != nil {
				t.Fatal(err)
			}
			var m map[string]any
			if err := toml.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			for id, v := range m {
				switch v := v.(type) {
				case string:
					out[id] = append(out[id], v)
				case map[string]any:
					for _, form := range v {
						if s, ok := form.(string); ok {
							out[id] = append(out[id], s)
						}
					}
				}
			}
		}
		return out
	}
	en, pl := read("en"), read("pl")
	var allPolish strings.Builder
	for _, texts := range pl {
		for _, s := range texts {
			allPolish.WriteString(s + "\n")
		}
	}
	placeholder := regexp.MustCompile(`\{\{[^}]*\}\}`)
	needles := map[string]string{} // text -> message ID
	for id, texts := range en {
		for _, s := range texts {
			parts := []string{s}
			if strings.Contains(s, "{{") {
				parts = placeholder.Split(s, -1)
			}
			for _, p := range parts {
				p = strings.Trim(p, " .,:;!?()„”\"'«»…/-–—›")
				if len([]rune(p)) < 3 || (len(parts) > 1 && len([]rune(p)) < 12) || !strings.ContainsAny(strings.ToLower(p), "abcdefghijklmnopqrstuvwxyz") {
					continue
				}
				if strings.Contains(allPolish.String(), p) || crawlExempt[p] {
					continue // the same in Polish (SIP, E-mail, Administrator ...)
				}
				needles[p] = id
			}
		}
	}
	return needles
}

// crawlSkip are pages another part of issue 12 rewrites, with why.
var crawlSkip = map[string]string{}

// crawlExempt are English texts a Polish page may show on purpose: the
// product's name and codes.
var crawlExempt = map[string]bool{"kadra": true, "Kadra": true}

var (
	// Scripts, styles and codes shown on purpose (<code>: CSV columns,
	// permission keys) are not wording.
	dropBlocks = regexp.MustCompile(`(?is)<(script|style|head|code)\b.*?</(script|style|head|code)>`)
	visibleAtt = regexp.MustCompile(`(?i)\s(?:title|placeholder|aria-label|alt|data-confirm)="([^"]*)"`)
	buttonVal  = regexp.MustCompile(`(?i)<input[^>]*type="(?:submit|button)"[^>]*value="([^"]*)"`)
	anyTag     = regexp.MustCompile(`(?s)<[^>]*>`)
	// E-mail addresses and domain names are data, not wording: exempt.
	addresses = regexp.MustCompile(`[\pL\pN._%+-]+@[\pL\pN.-]+|\b[a-z0-9-]+(\.[a-z0-9-]+)+\b`)
	spaces    = regexp.MustCompile(`\s+`)
)

// visibleText is what a reader sees or hears of a page: text, and the
// attributes shown as text (titles, placeholders, labels, confirmations).
func visibleText(page string) string {
	page = dropBlocks.ReplaceAllString(page, " ")
	var b strings.Builder
	for _, m := range visibleAtt.FindAllStringSubmatch(page, -1) {
		b.WriteString(m[1] + "\n")
	}
	for _, m := range buttonVal.FindAllStringSubmatch(page, -1) {
		b.WriteString(m[1] + "\n")
	}
	b.WriteString(anyTag.ReplaceAllString(page, "\n"))
	text := addresses.ReplaceAllString(html.UnescapeString(b.String()), " ")
	return spaces.ReplaceAllString(text, " ")
}

// englishOn lists the English texts found on a page, as whole words.
func englishOn(text string, needles map[string]string) []string {
	var out []string
	for n, id := range needles {
		for i := 0; ; {
			j := strings.Index(text[i:], n)
			if j < 0 {
				break
			}
			at := i + j
			if !letterAt(text, at-1) && !letterAt(text, at+len(n)) {
				out = append(out, strconv.Quote(n)+" ("+id+")")
				break
			}
			i = at + 1
		}
	}
	sort.Strings(out)
	return out
}

func letterAt(s string, i int) bool {
	if i < 0 || i >= len(s) {
		return false
	}
	c := s[i]
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

// R-I18N-1: no English reaches a Polish page. Every page the router has
// (GET, not the API), with the ids of real seeded objects, read by the
// owner with Polish chosen, shows no text of en.toml that is not also the
// Polish text: not the built-in names, not a label, not a message.
func TestNoEnglishOnPolishPages(t *testing.T) {
	ap := newSetupApp(t)
	owner := ownerActor(t, ap)
	tn := seedTenant(t, ap.db, owner, "zqmain")
	sub := dbtest.AddAccount(t, ap.db, owner, "Oddział Kraków")
	tn.ids["account"] = sub.ID
	needles := englishNeedles(t)
	if len(needles) < 100 {
		t.Fatalf("only %d English texts to look for", len(needles))
	}

	ownerName := "Owner" // the seeded owner's name, data rather than wording
	c := ap.client()
	c.get("/login")
	c.post("/lang", map[string][]string{"lang": {"pl"}, "next": {"/login"}})
	c.login("owner@example.pl", dbtest.OwnerPassword)

	seen := 0
	for _, r := range ap.srv.Echo().Routes() {
		if r.Method != "GET" || strings.HasPrefix(r.Path, "/api/") || strings.HasPrefix(r.Path, "/static") ||
			strings.HasSuffix(r.Path, "/*") || strings.Contains(r.Path, ":token") || strings.Contains(r.Path, ":hash") ||
			strings.Contains(r.Path, ":name") || r.Path == "/metrics" || r.Path == "/healthz" {
			continue
		}
		path := routeParam.ReplaceAllStringFunc(r.Path, func(m string) string {
			return strconv.FormatInt(tn.ids[kindOf(r.Path, m[1:])], 10)
		})
		res := c.get(path)
		if res.Status != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			continue
		}
		if crawlSkip[r.Path] != "" {
			continue
		}
		seen++
		if strings.Contains(res.Body, "<html") && !strings.Contains(res.Body, `lang="pl"`) {
			t.Errorf("%s is not in Polish", path)
			continue
		}
		text := strings.ReplaceAll(visibleText(res.Body), ownerName, "")
		if found := englishOn(text, needles); len(found) > 0 {
			t.Errorf("%s shows English: %s", path, strings.Join(found, ", "))
		}
	}
	if seen < 30 {
		t.Errorf("only %d pages read", seen)
	}
}

// The crawl can fail: an English page is caught.
func TestNoEnglishOnPolishPagesControl(t *testing.T) {
	needles := englishNeedles(t)
	for _, s := range []string{"<td>Staff member</td>", `<button title="Every permission.">x</button>`, "<p>Employee</p>"} {
		if len(englishOn(visibleText(s), needles)) == 0 {
			t.Errorf("%s passed as Polish", s)
		}
	}
	if found := englishOn(visibleText("<td>Pracownik</td><td>kadra</td><td>SIP</td>"), needles); len(found) > 0 {
		t.Errorf("Polish text caught as English: %v", found)
	}
}
