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

// TreeReads counts the group trees read from the database, not the cache.
func (d *DB) TreeReads() int {
	d.trees.mu.Lock()
	defer d.trees.mu.Unlock()
	return d.trees.reads
}
