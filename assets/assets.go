// Package assets embeds the templates, static files and translations, so
// that the binary is all an installation needs.
package assets

import "embed"

// Templates holds layout.html, partials/ and pages/.
//
//go:embed templates
var Templates embed.FS

// Static holds CSS, the vendored htmx and the small app script.
//
//go:embed static
var Static embed.FS

// I18n holds one TOML file of messages per language.
//
//go:embed i18n/*.toml
var I18n embed.FS
