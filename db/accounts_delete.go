package db

import (
	"context"
	"fmt"
	"strings"

	"kadra/db/internal/sqlcdb"
)

// DeleteAccountInput is the confirmation of deleting a sub-account. With
// Everything, its users go too, and Confirm must repeat the account's name.
type DeleteAccountInput struct {
	Everything bool   `json:"everything" form:"everything" query:"everything"`
	Confirm    string `json:"confirm" form:"confirm" query:"confirm"`
}

// deletedUsersListed bounds how many e-mails the audit row of a deleted
// account lists; the count is always there.
const deletedUsersListed = 200

// DeleteAccount deletes a sub-account with its groups, SIP accounts,
// numbers, SMS senders and licences. An account that still has users is
// deleted only "with everything", confirmed by typing its name; its users
// are then deleted too, and (like any deleted user, R-USER-9) still count
// as billed seats until the end of the current period (R-ACC-7). Sessions
// of main-account users acting in it return to their own account. Audited
// in the main account. Needs accounts.manage in the main account.
// Returns ENOTFOUND, EFORBIDDEN for the main account, ECONFLICT while it
// has users and Everything is not set, EINVALID (confirm) for a wrong name.
func (d *DB) DeleteAccount(ctx context.Context, a Actor, id int64, in DeleteAccountInput) error {
	if err := requireAccountsAdmin(a); err != nil {
		return err
	}
	return d.update(ctx, a, func(t *tx) ([]change, error) {
		acc, err := getAccount(ctx, t.Queries, id)
		if err != nil {
			return nil, err
		}
		if acc.Main() {
			return nil, Errorf(EFORBIDDEN, "account.delete.main")
		}
		if acc.UserCount > 0 && !in.Everything {
			return nil, Errorf(ECONFLICT, "account.delete.has_users", "Name", acc.Name, "Count", acc.UserCount)
		}
		if in.Everything && !strings.EqualFold(strings.TrimSpace(in.Confirm), acc.Name) {
			var v ValidationError
			v.Add("confirm", M("account.delete.confirm_name", "Name", acc.Name))
			return nil, v.Err()
		}
		now := d.unix()
		if _, err := t.SendSessionsHome(ctx, id); err != nil {
			return nil, err
		}
		before := map[string]any{"account": acc}
		if acc.UserCount > 0 {
			users, err := t.accountUserEmails(id)
			if err != nil {
				return nil, err
			}
			before["users"] = users
			if err := t.CloseAccountSeats(ctx, sqlcdb.CloseAccountSeatsParams{AccountID: id,
				ToAt: nullID(now)}); err != nil {
				return nil, err
			}
			if _, err := t.DeleteAccountUsers(ctx, id); err != nil {
				return nil, err
			}
		}
		// Children before parents: a group's parent is RESTRICT.
		for {
			n, err := t.DeleteLeafGroups(ctx, id)
			if err != nil {
				return nil, err
			}
			if n == 0 {
				break
			}
		}
		if err := t.DeleteAccountSettings(ctx, fmt.Sprintf("account.%d.%%", id)); err != nil {
			return nil, err
		}
		if err := t.InsertDeletedAccount(ctx, sqlcdb.InsertDeletedAccountParams{ID: id, Name: acc.Name,
			ExternalID: acc.ExternalID, DeletedAt: now}); err != nil {
			return nil, err
		}
		if n, err := t.DeleteAccountRow(ctx, id); err != nil {
			return nil, err
		} else if n == 0 {
			return nil, Errorf(ENOTFOUND, "account.not_found")
		}
		return one(change{Action: "account.delete", TargetType: "account", TargetID: id, TargetLabel: acc.Name,
			AccountID: acc.ParentID, Before: before}), nil
	})
}

// accountUserEmails lists the e-mails of an account's users for the audit
// row of its deletion: the first deletedUsersListed, and how many more.
func (t *tx) accountUserEmails(accountID int64) ([]string, error) {
	ids, err := t.AccountUserIDs(t.ctx, accountID)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, min(len(ids), deletedUsersListed+1))
	for i, id := range ids {
		if i == deletedUsersListed {
			out = append(out, fmt.Sprintf("… and %d more", len(ids)-i))
			break
		}
		u, err := t.GetUser(t.ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, u.Email)
	}
	return out, nil
}
