package db

import (
	"fmt"
	"io/fs"
	"strings"

	"github.com/BurntSushi/toml"

	"kadra/assets"
)

// Keys of the built-in groups (groups.builtin): the permanent Position root
// and each account's first position (R-GROUP-4).
const (
	BuiltinPositionRoot  = "position"
	BuiltinFirstPosition = "employee"
)

// builtinTexts are the names and descriptions of the built-in records in
// every language, by language and message ID (R-I18N-1). A built-in record
// stores an empty name (and description) until an admin renames it, and is
// read in the viewer's language (Actor.Lang) from these texts: the same
// messages the pages use, from assets/i18n/polish.LANG.toml, so that there
// is one place to change the wording.
type builtinTexts map[string]map[string]string

// builtinLangs are the languages the built-in names are read in and
// recognised in (a CSV file may use any of them).
var builtinLangs = []string{"pl", "en"}

func loadBuiltinTexts() (builtinTexts, error) {
	out := builtinTexts{}
	for _, lang := range builtinLangs {
		f := "i18n/polish." + lang + ".toml"
		b, err := fs.ReadFile(assets.I18n, f)
		if err != nil {
			return nil, err
		}
		var m map[string]any
		if err := toml.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		out[lang] = map[string]string{}
		for id, v := range m {
			if s, ok := v.(string); ok && strings.HasPrefix(id, "builtin.") {
				out[lang][id] = s
			}
		}
	}
	return out, nil
}

// text is the message in lang; an actor without a language (the command
// line, tests) reads English, as i18n.Translator does.
func (b builtinTexts) text(lang, id string) string {
	if s, ok := b[lang][id]; ok {
		return s
	}
	return b["en"][id]
}

// roleName is a role's name as lang reads it: its own once renamed, the
// built-in name in lang until then.
func (b builtinTexts) roleName(lang, name, builtin string) string {
	if name != "" || builtin == "" {
		return name
	}
	return b.text(lang, "builtin.role."+builtin+".name")
}

// roleDescription is roleName for the description.
func (b builtinTexts) roleDescription(lang, desc, builtin string) string {
	if desc != "" || builtin == "" {
		return desc
	}
	return b.text(lang, "builtin.role."+builtin+".description")
}

// groupName is roleName for a group or position.
func (b builtinTexts) groupName(lang, name, builtin string) string {
	if name != "" || builtin == "" {
		return name
	}
	return b.text(lang, "builtin.group."+builtin+".name")
}

// builtinNamesOf lists a built-in record's name in every language, as a
// CSV file or a new name may spell it. kind is "role" or "group".
func (b builtinTexts) builtinNamesOf(kind, builtin string) []string {
	var out []string
	for _, lang := range builtinLangs {
		out = append(out, b.text(lang, "builtin."+kind+"."+builtin+".name"))
	}
	return out
}
