package db

import (
	"database/sql"

	"kadra/db/internal/sqlcdb"
)

// setPassword is the one way a password hash is written to an existing
// user: the profile, an admin's form or API call, the command line, a link
// and a rehash at sign-in all come here, so that none can forget to void
// the user's outstanding reset and activation links in the same
// transaction (R-SEC-5). A link mailed before the change must not outlive
// it: whoever set the password no longer needs it, and whoever holds an
// old mail must not undo the change.
func (t *tx) setPassword(userID int64, hash string) error {
	if err := t.SetUserPassword(t.ctx, sqlcdb.SetUserPasswordParams{ID: userID, PasswordHash: hash,
		UpdatedAt: t.d.unix()}); err != nil {
		return err
	}
	return t.voidLinks(userID)
}

// voidLinks marks the user's unused reset and activation links as used, so
// that each answers with the one invalid-link page (errTokenInvalid).
func (t *tx) voidLinks(userID int64) error {
	return t.VoidUserLinks(t.ctx, sqlcdb.VoidUserLinksParams{UserID: userID,
		UsedAt: sql.NullInt64{Int64: t.d.unix(), Valid: true}})
}
