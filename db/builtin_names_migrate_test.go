package db

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"kadra/db/internal/sqlcdb"
)

// R-I18N-1: a database set up before 0008 stored the built-in names in
// English; the migration makes the records still carrying them built-in and
// not renamed, keeps what an admin renamed, and loses no permission.
func TestMigrationNamesBuiltinsInTheViewersLanguage(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	conn, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		t.Fatal(err)
	}
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.name == "0008_builtin_names.sql" {
			break
		}
		if _, err := conn.ExecContext(ctx, m.sql); err != nil {
			t.Fatalf("%s: %v", m.name, err)
		}
		if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.version)); err != nil {
			t.Fatal(err)
		}
	}
	// What setup seeded then: two accounts, the second with its Position
	// renamed nowhere but its first position renamed by an admin.
	for _, q := range []string{
		`INSERT INTO accounts (id, name, sip_domain, created_at) VALUES (1, 'Biuro', 'localhost', 0), (2, 'Filia', 'f.localhost', 0)`,
		`INSERT INTO accounts (id, parent_id, name, sip_domain, created_at) VALUES (3, 1, 'Oddział', 'o.localhost', 0)`,
		`INSERT INTO roles (id, name, description, builtin) VALUES (1, 'Administrator', 'Every permission.', 'administrator'),
			(2, 'Staff member', 'Our own words.', 'staff'), (3, 'Helpdesk', '', '')`,
		`INSERT INTO role_permissions (role_id, permission) VALUES (1, 'users.view'), (3, 'users.block')`,
		`INSERT INTO groups (id, account_id, parent_id, name, builtin_position, created_at) VALUES
			(1, 1, NULL, 'Position', 1, 0), (2, 1, 1, 'Employee', 0, 0), (3, 1, 1, 'Manager', 0, 0),
			(4, 3, NULL, 'Position', 1, 0), (5, 3, 4, 'Sprzedawca', 0, 0), (6, 1, NULL, 'Sales', 0, 0)`,
		`INSERT INTO users (id, account_id, email, full_name, status, role_id, position_id, is_owner, created_at, updated_at)
			VALUES (1, 1, 'owner@example.pl', 'Owner', 'active', 1, 2, 1, 0, 0), (2, 1, 'h@example.pl', 'H', 'active', 3, 3, 0, 0, 0)`,
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	conn.Close()

	d, err := Open(ctx, path, Options{Hash: TestHashParams})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	roles, err := d.rq.CSVRoles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(roles)
	if want := "[{1  administrator} {2  staff} {3 Helpdesk }]"; got != want {
		t.Errorf("roles = %s, want %s", got, want)
	}
	if r, _ := d.rq.GetRole(ctx, 2); r.Description != "Our own words." {
		t.Errorf("a description of the admin's own was lost: %q", r.Description)
	}
	perms, err := d.rq.AllRolePermissions(ctx)
	if err != nil || fmt.Sprint(perms) != "[{1 users.view} {3 users.block}]" {
		t.Errorf("permissions = %v, %v", perms, err)
	}
	for account, want := range map[int64]string{1: "[{1 {0 false}  1 position} {2 {1 true}  0 employee} {3 {1 true} Manager 0 } {6 {0 false} Sales 0 }]",
		3: "[{4 {0 false}  1 position} {5 {4 true} Sprzedawca 0 employee}]"} {
		gs, err := d.rq.AccountGroups(ctx, account)
		if err != nil {
			t.Fatal(err)
		}
		slices.SortFunc(gs, func(x, y sqlcdb.AccountGroupsRow) int { return cmp.Compare(x.ID, y.ID) })
		if got := fmt.Sprint(gs); got != want {
			t.Errorf("account %d groups = %s, want %s", account, got, want)
		}
	}
	pl := Actor{UserID: 1, AccountID: 1, IsOwner: true, Lang: "pl"}
	if r, err := d.GetRole(ctx, pl, 1); err != nil || r.Name != "Administrator" || r.Description != "Wszystkie uprawnienia." {
		t.Errorf("administrator in Polish = %+v, %v", r, err)
	}
	// The foreign keys still hold: a role in use cannot go.
	if _, err := d.write.ExecContext(ctx, "DELETE FROM roles WHERE id = 3"); err == nil {
		t.Error("a role in use was deleted after the migration")
	}
}
