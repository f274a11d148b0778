package db

import "context"

// DropCountSnapshots forgets every member count snapshot, so that a
// benchmark can measure the first request after a change made elsewhere.
func (d *DB) DropCountSnapshots() {
	d.counts.mu.Lock()
	defer d.counts.mu.Unlock()
	d.counts.byAccount = nil
}

// PermissionsOf reads a role's permissions the way actorFor does on every
// request and returns them as an Actor would hold them.
func (d *DB) PermissionsOf(ctx context.Context, roleID int64) (map[Permission]bool, error) {
	perms, err := d.rq.RolePermissions(ctx, roleID)
	out := make(map[Permission]bool, len(perms))
	for _, p := range perms {
		out[Permission(p)] = true
	}
	return out, err
}

// The sign-in limits, for tests that prove they hold (R-SEC-3).
const (
	LoginFreeFailures   = loginFreeFailures
	LoginLockFailures   = loginLockFailures
	LoginIPLockFailures = loginIPLockFailures
	LoginWindow         = loginWindow
)

// PasswordChecks is how many passwords the DB's hasher has verified.
func (d *DB) PasswordChecks() int64 { return d.hasher.checks.Load() }

// CreateUsersInOneWrite creates each user in a savepoint of one write
// transaction, as the CSV import saves its rows, and returns each one's
// error: for tests that prove the checks of a row see the rows before it.
func (d *DB) CreateUsersInOneWrite(ctx context.Context, a Actor, ins ...UserInput) []error {
	errs := make([]error, len(ins))
	err := d.update(ctx, a, func(t *tx) ([]change, error) {
		for i, in := range ins {
			errs[i] = t.savepoint(func(t *tx) ([]change, error) {
				_, changes, err := t.createUser(in, "")
				return changes, err
			})
		}
		return nil, nil
	})
	if err != nil {
		return []error{err}
	}
	return errs
}
