package db_test

import (
	"context"
	"slices"
	"testing"

	"kadra/db"
	"kadra/db/dbtest"
)

// R-USER-16 (issue 15): two or more words of letters search names by
// their words' beginnings in the word index, in any order and without
// diacritics; the index follows creates, renames and deletes; anything
// else keeps the trigram search (part of a word, e-mails).
func TestListUsersByNameWords(t *testing.T) {
	ctx := context.Background()
	d, owner := dbtest.Setup(t)
	add := func(email, name string) db.User {
		return dbtest.AddUser(t, d, owner, email, func(in *db.UserInput) { in.FullName = name })
	}
	anna := add("a.k@example.pl", "Anna Kowalczyk")
	joanna := add("j.k@example.pl", "Joanna Kowalczyk")
	lukasz := add("l.z@example.pl", "Łukasz Żółtowski")
	add("p.n@example.pl", "Piotr Nowak")
	find := func(q string) []string {
		t.Helper()
		p, err := d.ListUsers(ctx, owner, db.UserFilter{Q: q})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, u := range p.Items {
			names = append(names, u.FullName)
		}
		if p.Total != len(names) {
			t.Errorf("%q: total %d for %d rows", q, p.Total, len(names))
		}
		slices.Sort(names)
		return names
	}
	for q, want := range map[string][]string{
		"Anna Kowalczyk":   {"Anna Kowalczyk"}, // words begin so: not Joanna
		"kowalczyk anna":   {"Anna Kowalczyk"}, // any order, any case
		"kowal an":         {"Anna Kowalczyk"},
		"łukasz Zołtowski": {"Łukasz Żółtowski"}, // diacritics folded (ż, ó; ł is a letter of its own)
		"łuk żół":          {"Łukasz Żółtowski"},
		"Anna Nowak":       nil,
		"oanna":            {"Joanna Kowalczyk"},                   // one word: any part (trigram)
		"Kowalczyk":        {"Anna Kowalczyk", "Joanna Kowalczyk"}, // one word
		"j.k@example":      {"Joanna Kowalczyk"},                   // not words of letters: trigram
	} {
		if got := find(q); !slices.Equal(got, want) {
			t.Errorf("%q found %q, want %q", q, got, want)
		}
	}
	name := "Anna Maria Wiśniewska"
	if _, err := d.PatchUser(ctx, owner, anna.ID, db.UserPatch{FullName: &name}); err != nil {
		t.Fatal(err)
	}
	if got := find("anna kowalczyk"); got != nil {
		t.Errorf("old name still found: %q", got)
	}
	if got := find("maria wisn"); !slices.Equal(got, []string{name}) {
		t.Errorf("new name found %q", got)
	}
	for _, u := range []db.User{joanna, lukasz} {
		if err := d.DeleteUser(ctx, owner, u.ID); err != nil {
			t.Fatal(err)
		}
	}
	if got := find("łukasz żółtowski"); got != nil {
		t.Errorf("deleted user found: %q", got)
	}
}
