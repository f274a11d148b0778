package db_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"kadra/db"
)

// R-API-1: every field of the user input has one name, the same in the
// form and the JSON API, and that name is in the field table (whose CSV
// column the import reports refusals under).
func TestUserFieldNames(t *testing.T) {
	names := map[string]bool{}
	for _, f := range db.UserFields {
		names[f.Name] = true
	}
	typ := reflect.TypeOf(db.UserInput{})
	for i := range typ.NumField() {
		f := typ.Field(i)
		form := f.Tag.Get("form")
		js, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if js != form && js != "-" {
			t.Errorf("%s: form %q, JSON %q", f.Name, form, js)
		}
		if !names[form] {
			t.Errorf("%s (%s) is not in db.UserFields", f.Name, form)
		}
	}
	if len(db.UserFields) != typ.NumField() {
		t.Errorf("db.UserFields has %d entries for %d fields", len(db.UserFields), typ.NumField())
	}
	for _, f := range db.UserFields {
		if f.CSV != "" && !slices.Contains(db.UserCSVColumns, f.CSV) {
			t.Errorf("%s: CSV column %q does not exist", f.Name, f.CSV)
		}
	}
}
