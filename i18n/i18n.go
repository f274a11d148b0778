// Package i18n turns domain messages (db.Msg) into English or Polish text,
// for the web pages and the CLI alike. The messages live in
// assets/i18n/{en,pl}.toml and the files of one area each, AREA.{en,pl}.toml;
// plurals follow CLDR through go-i18n.
package i18n

import (
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
	lru "github.com/hashicorp/golang-lru/v2"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"kadra/assets"
	"kadra/db"
)

// Language is one language of the switcher.
type Language struct{ Tag, Name string }

// Languages are the languages offered, in the switcher's order.
var Languages = []Language{{"pl", "Polski"}, {"en", "English"}}

// Bundle holds every message of every language. Load it once and share it.
type Bundle struct {
	b *goi18n.Bundle
	// byLang holds one Translator per language, made once: a Translator is
	// then the same value on every request, which lets rendered blocks be
	// remembered by it (handlers/fragments.go).
	byLang map[string]Translator
}

// Load reads the embedded message files.
func Load() (*Bundle, error) {
	b := goi18n.NewBundle(language.English)
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
	out := &Bundle{b: b, byLang: map[string]Translator{}}
	for _, l := range Languages {
		done, _ := lru.New[string, string](doneSize) // errs only on a size below 1
		out.byLang[l.Tag] = Translator{lang: l.Tag, loc: goi18n.NewLocalizer(b, l.Tag, "en"), done: done}
	}
	return out, nil
}

// Translator localizes messages into lang ("pl" or "en"; anything else
// reads as English).
func (b *Bundle) Translator(lang string) Translator {
	if !Supported(lang) {
		lang = "en"
	}
	return b.byLang[lang]
}

// Supported reports whether lang is one of Languages.
func Supported(lang string) bool { return lang == "pl" || lang == "en" }

// Pick is the language of a request: the switcher's choice when it names a
// known language, else the first known one the browser accepts, else English.
func Pick(chosen, acceptLanguage string) string {
	if Supported(chosen) {
		return chosen
	}
	tags, _, _ := language.ParseAcceptLanguage(acceptLanguage)
	for _, t := range tags {
		base, _ := t.Base()
		if Supported(base.String()) {
			return base.String()
		}
	}
	return "en"
}

// Translator localizes messages into one language.
type Translator struct {
	lang string
	loc  *goi18n.Localizer
	// done keeps translated texts whose data are plain strings and
	// numbers, by message and data: a page asks for the same ones on every
	// request (labels, a filter's "inactive for 30 days"), and go-i18n
	// executes a template, plural rules included, each time.
	done *lru.Cache[string, string]
}

// doneSize bounds each language's kept texts.
const doneSize = 8192

// Lang is the language tag of the text.
func (tr Translator) Lang() string { return tr.lang }

// T translates a message ID with key/value template data; a "Count" key
// selects the CLDR plural form. A missing ID shows itself, so that a gap is
// visible rather than fatal (a test checks both files have every ID).
func (tr Translator) T(id string, kv ...any) string {
	key, ok := textKey(id, kv)
	if ok {
		if v, hit := tr.done.Get(key); hit {
			return v
		}
	}
	out := tr.msg(db.M(id, kv...))
	if ok {
		tr.done.Add(key, out)
	}
	return out
}

// textKey is the key of a message's text when its data (key, value pairs)
// are plain strings and numbers; ok is false otherwise.
func textKey(id string, kv []any) (key string, ok bool) {
	if len(kv) == 0 {
		return id, true
	}
	var b strings.Builder
	b.WriteString(id)
	for _, v := range kv {
		b.WriteByte(0)
		switch v := v.(type) {
		case string: // length first: no value can pass for two
			b.WriteString(strconv.Itoa(len(v)))
			b.WriteByte(':')
			b.WriteString(v)
		case int:
			b.WriteString(strconv.Itoa(v))
		case int64:
			b.WriteString(strconv.FormatInt(v, 10))
		default:
			return "", false
		}
	}
	return b.String(), true
}

// Msg translates a domain message. Data values that are messages (or lists
// of them) are translated first; lists are joined with commas.
func (tr Translator) Msg(m db.Msg) string {
	var kv []any
	for _, k := range slices.Sorted(maps.Keys(m.Data)) {
		kv = append(kv, k, m.Data[k])
	}
	key, ok := textKey(m.ID, kv)
	if ok {
		if v, hit := tr.done.Get(key); hit {
			return v
		}
	}
	out := tr.msg(m)
	if ok {
		tr.done.Add(key, out)
	}
	return out
}

// msg translates m without the kept texts.
func (tr Translator) msg(m db.Msg) string {
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
	out, err := tr.loc.Localize(&goi18n.LocalizeConfig{MessageID: m.ID, TemplateData: data, PluralCount: m.Count})
	if err != nil && out == "" {
		return m.ID
	}
	return out
}

// Fields translates per-field messages.
func (tr Translator) Fields(fields map[string]db.Msg) map[string]string {
	out := make(map[string]string, len(fields))
	for k, m := range fields {
		out[k] = tr.Msg(m)
	}
	return out
}
