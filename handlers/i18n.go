package handlers

import (
	"fmt"
	"io/fs"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"kadra/assets"
	"kadra/db"
)

// Languages offered by the switcher, in its order.
var Languages = []struct{ Tag, Name string }{{"pl", "Polski"}, {"en", "English"}}

func newBundle() (*i18n.Bundle, error) {
	b := i18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	files, err := fs.Glob(assets.I18n, "i18n/*.toml")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		if _, err := b.LoadMessageFileFS(assets.I18n, f); err != nil {
			return nil, fmt.Errorf("load %s: %w", f, err)
		}
	}
	return b, nil
}

// translator localizes messages into one language.
type translator struct {
	lang  string
	loc   *i18n.Localizer
	plain *sync.Map // lang + ID -> text of messages without data
}

func (s *Server) translator(lang string, acceptLanguage string) translator {
	if lang != "pl" && lang != "en" {
		lang = ""
	}
	lang = pickLang(lang, acceptLanguage)
	return translator{lang: lang, loc: i18n.NewLocalizer(s.bundle, lang, "en"), plain: &s.plainMessages}
}

func pickLang(cookie, accept string) string {
	if cookie != "" {
		return cookie
	}
	tags, _, _ := language.ParseAcceptLanguage(accept)
	for _, t := range tags {
		base, _ := t.Base()
		if base.String() == "pl" {
			return "pl"
		}
		if base.String() == "en" {
			return "en"
		}
	}
	return "en"
}

// Lang is the language tag of the page.
func (tr translator) Lang() string { return tr.lang }

// T translates a message ID with key/value template data; a "Count" key
// selects the CLDR plural form. A missing ID shows itself, so that a gap is
// visible rather than fatal (a test checks both files have every ID).
func (tr translator) T(id string, kv ...any) string {
	return tr.Msg(db.M(id, kv...))
}

// Msg translates a domain message. Data values that are messages (or lists
// of them) are translated first; lists are joined with commas.
func (tr translator) Msg(m db.Msg) string {
	// A message without data always reads the same: a page with many rows
	// asks for the same ones again and again, and go-i18n executes a
	// template each time.
	key := ""
	if len(m.Data) == 0 && m.Count == nil && tr.plain != nil {
		key = tr.lang + "\x00" + m.ID
		if v, ok := tr.plain.Load(key); ok {
			return v.(string)
		}
	}
	data := make(map[string]any, len(m.Data))
	for k, v := range m.Data {
		switch v := v.(type) {
		case db.Msg:
			data[k] = tr.Msg(v)
		case []db.Msg:
			parts := make([]string, len(v))
			for i, p := range v {
				parts[i] = tr.Msg(p)
			}
			data[k] = strings.Join(parts, ", ")
		default:
			data[k] = v
		}
	}
	out, err := tr.loc.Localize(&i18n.LocalizeConfig{MessageID: m.ID, TemplateData: data, PluralCount: m.Count})
	if err != nil && out == "" {
		return m.ID
	}
	if key != "" {
		tr.plain.Store(key, out)
	}
	return out
}

// Fields translates per-field messages.
func (tr translator) Fields(fields map[string]db.Msg) map[string]string {
	out := make(map[string]string, len(fields))
	for k, m := range fields {
		out[k] = tr.Msg(m)
	}
	return out
}

// Translate renders a domain message in English or Polish ("en", "pl") for
// callers outside a request, such as the CLI's error lines.
func Translate(lang string, m db.Msg) string {
	b, err := newBundle()
	if err != nil {
		return m.ID
	}
	return translator{lang: lang, loc: i18n.NewLocalizer(b, lang, "en")}.Msg(m)
}
