package handlers

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"kadra/assets"
	"kadra/db"
	"kadra/i18n"
	"kadra/tz"
)

// pages holds one template set per page: the layout, the partials it
// calls and the page. Every set is parsed at start, so that a broken
// template stops kadra there, and then let go: a page's set is parsed
// again and kept from its first use on. An office uses a few of the 57
// pages most days, and each kept set is heap the collector scans on every
// cycle (issue 15, memory).
type pages struct {
	byName map[string]*pageSet
}

type pageSet struct {
	files []string
	load  func() (*template.Template, error)
}

// lookup returns the page's template set, parsing it on first use.
func (p *pages) lookup(name string) (*template.Template, error) {
	ps, ok := p.byName[name]
	if !ok {
		return nil, fmt.Errorf("no page template %q", name)
	}
	return ps.load()
}

func parsePageSet(files []string) (*template.Template, error) {
	return template.New("layout.html").Funcs(templateFuncs).ParseFS(assets.Templates, files...)
}

var templateFuncs = template.FuncMap{
	"join": strings.Join,
	"add":  func(a, b int) int { return a + b },
	"list": func(s ...string) []string { return s },
	"deref": func(t *time.Time) time.Time {
		if t == nil {
			return time.Time{}
		}
		return *t
	},
	"dict": func(kv ...any) (map[string]any, error) {
		if len(kv)%2 != 0 {
			return nil, fmt.Errorf("dict: odd arguments")
		}
		m := make(map[string]any, len(kv)/2)
		for i := 0; i < len(kv); i += 2 {
			k, ok := kv[i].(string)
			if !ok {
				return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
			}
			m[k] = kv[i+1]
		}
		return m, nil
	},
}

func parsePages() (*pages, error) {
	partials, err := fs.Glob(assets.Templates, "templates/partials/*.html")
	if err != nil {
		return nil, err
	}
	files, err := fs.Glob(assets.Templates, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	sets, err := templateFiles(assets.Templates, "templates/layout.html", partials, files)
	if err != nil {
		return nil, err
	}
	// Each page is the layout, the partials it calls and the page (see
	// templateFiles); parsing them on every core keeps start-up short.
	errs := make([]error, len(files))
	var wg sync.WaitGroup
	for i, f := range files {
		wg.Go(func() {
			if _, err := parsePageSet(sets[f]); err != nil {
				errs[i] = fmt.Errorf("template %s: %w", f, err)
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	p := &pages{byName: make(map[string]*pageSet, len(files))}
	for _, f := range files {
		ps := &pageSet{files: sets[f]}
		ps.load = sync.OnceValues(func() (*template.Template, error) { return parsePageSet(ps.files) })
		p.byName[strings.TrimSuffix(path.Base(f), ".html")] = ps
	}
	return p, nil
}

// view is what every page template receives.
type view struct {
	i18n.Translator
	Actor       db.Actor
	AccountName string
	CanSwitch   bool // "Switch account" shows in the title bar (R-ACC-6)
	CSRF        string
	Path        string
	Flashes     []string
	Nav         string // the active navigation entry
	// NavHTML is the main navigation, rendered by the "nav" block of the
	// layout (fragments.go).
	NavHTML template.HTML
	Data    any
	static  *staticFiles
	loc     *time.Location // the viewer's time zone (R-I18N-2)
	now     time.Time
}

// Asset is the content-hashed URL of a static file.
func (v view) Asset(name string) string { return v.static.url(name) }

// Can reports whether the actor holds a permission, for hiding what is not
// allowed (the server refuses it anyway).
// "a|b" asks for any one of them (the navigation uses it).
func (v view) Can(p string) bool { return canAny(v.Actor, p) }

// canAny reports whether a holds one of the permissions of p ("a|b"), or
// p is empty (for everyone).
func canAny(a db.Actor, p string) bool {
	if p == "" {
		return true
	}
	for _, one := range strings.Split(p, "|") {
		if a.Can(db.Permission(one)) {
			return true
		}
	}
	return false
}

// Langs lists the languages of the switcher.
func (v view) Langs() []i18n.Language { return i18n.Languages }

// NavItems is the main navigation.
func (v view) NavItems() []navItem { return visibleNav(v.Actor) }

// Date is the one way a page shows a time: "1 grudnia 2026, 14:05", in
// the viewer's time zone (R-I18N-2).
func (v view) Date(t time.Time) string { return v.Translator.Time(t, v.loc) }

// Clock is a time of day, e.g. "14:35", in the viewer's zone.
func (v view) Clock(t time.Time) string { return clock(t, v.loc) }

// Day shows the date alone: "1 grudnia 2026".
func (v view) Day(t time.Time) string { return v.Translator.Day(t, v.loc) }

// Ago is the relative form lists use ("5 min temu"); show Date on hover.
func (v view) Ago(t time.Time) string { return v.Translator.Ago(t, v.now, v.loc) }

// DateField shows a day in a date field: dd.mm.rrrr in Polish.
func (v view) DateField(t time.Time) string { return v.Translator.DateInput(t.In(v.loc)) }

// TimeZone is the viewer's zone name, for saying which zone times are in.
func (v view) TimeZone() string { return v.loc.String() }

// location is the time zone of the request's viewer: their own or the
// installation's, read with the session; the installation's for a visitor.
func (s *Server) location(c echo.Context) *time.Location {
	if a := actor(c); a.Valid() {
		return tz.Or(a.TimeZone)
	}
	name, err := s.db.TimeZone(c.Request().Context())
	if err != nil {
		name = ""
	}
	return tz.Or(name)
}

// tr is the translator of the request's language.
func (s *Server) tr(c echo.Context) i18n.Translator { return s.bundle.Translator(requestLang(c)) }

// render executes a page into a buffer first, so that a template error
// never sends half a page. "page#block" renders only that block of the
// page, for htmx requests.
func (s *Server) render(c echo.Context, status int, page string, data any) error {
	page, block, _ := strings.Cut(page, "#")
	if block == "" {
		block = "layout"
	}
	t, err := s.pages.lookup(page)
	if err != nil {
		return err
	}
	a := actor(c)
	v := view{Translator: s.tr(c), Actor: a, Path: c.Request().URL.Path, Data: data, static: s.static,
		Flashes: s.takeFlashes(c), loc: s.location(c), now: s.db.Now()}
	v.CSRF, _ = c.Get("csrf").(string)
	if nav, ok := data.(interface{ nav() string }); ok {
		v.Nav = nav.nav()
	}
	if a.Valid() && block == "layout" {
		v.AccountName = s.accountName(c, a)
		v.CanSwitch, _ = s.db.CanSwitchAccount(c.Request().Context(), a)
		nav := navView{T: v.Translator, Current: v.Nav}
		if a.IsOwner {
			nav.Unsent, _ = s.db.UnsentMailCount(c.Request().Context(), a)
		}
		keys := make([]string, 0, len(navItems))
		for _, it := range visibleNav(a) {
			keys = append(keys, it.Key)
		}
		nav.Keys = strings.Join(keys, " ")
		var err error
		if v.NavHTML, err = s.fragments.render(page, "nav", nav); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, block, v); err != nil {
		return fmt.Errorf("render %s: %w", page, err)
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	// The length is known: said, the page goes out without chunked framing.
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	return c.HTMLBlob(status, buf.Bytes())
}

func (s *Server) accountName(c echo.Context, a db.Actor) string {
	acc, err := s.db.CurrentAccount(c.Request().Context(), a)
	if err != nil {
		return ""
	}
	return acc.Name
}

// staticFiles serves assets/static under URLs carrying a content hash, so
// that browsers may cache them forever.
type staticFiles struct {
	hash map[string]string
}

func newStaticFiles() (*staticFiles, error) {
	st := &staticFiles{hash: map[string]string{}}
	err := fs.WalkDir(assets.Static, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := assets.Static.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		st.hash[strings.TrimPrefix(p, "static/")] = hex.EncodeToString(sum[:6])
		return nil
	})
	return st, err
}

func (st *staticFiles) url(name string) string {
	return "/static/" + st.hash[name] + "/" + name
}

func (s *Server) staticFile(c echo.Context) error {
	name := c.Param("name")
	h, ok := s.static.hash[name]
	if !ok {
		return echo.ErrNotFound
	}
	b, err := assets.Static.ReadFile("static/" + name)
	if err != nil {
		return echo.ErrNotFound
	}
	if c.Param("hash") == h {
		c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		c.Response().Header().Set("Cache-Control", "no-cache")
	}
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	return c.Blob(http.StatusOK, ct, b)
}

// TimeZones are the zones a form offers, with current first among them
// when it is another IANA name (typed through the API, or kept after a
// refusal), so that a select never loses a value.
func (v view) TimeZones(current string) []string {
	if current == "" || slices.Contains(tz.Offered, current) {
		return tz.Offered
	}
	return append([]string{current}, tz.Offered...)
}

// Phone shows a number stored in E.164 grouped in its country's style,
// "+48 22 123 45 67"; anything else is shown as it is.
func (v view) Phone(s string) string { return db.FormatPhone(s) }
