package db

import (
	"context"
	"slices"
	"strconv"
)

// BulkInput is one action on many selected users (R-USER-7's row menu, for
// a selection): block, unblock, delete, add_group or change_role.
type BulkInput struct {
	Action  string  `json:"action" form:"action"`
	IDs     []int64 `json:"ids" form:"ids"`
	RoleID  int64   `json:"role_id" form:"role_id"`   // change_role
	GroupID int64   `json:"group_id" form:"group_id"` // add_group
}

// BulkSkip is a user the action left alone, and why.
type BulkSkip struct {
	ID     int64  `json:"id"`
	Label  string `json:"label"`
	Reason Msg    `json:"-"`
}

// BulkReport says how many users the action changed and which it skipped.
type BulkReport struct {
	Action  string     `json:"action"`
	Done    int        `json:"done"`
	Skipped []BulkSkip `json:"skipped"`
}

// Summary is the report's one-line message ("12 blocked, 1 skipped").
func (r BulkReport) Summary() Msg {
	return M("bulk."+r.Action, "Count", r.Done, "Skipped", len(r.Skipped))
}

var bulkActions = []string{"block", "unblock", "delete", "add_group", "change_role"}

// BulkUsers applies one action to each selected user, each in its own
// transaction through the same function as the row menu, so every rule and
// audit row applies; refusals are reported per user, not fatal.
// Returns EINVALID for an unknown action, an empty selection or a missing
// role or group.
func (d *DB) BulkUsers(ctx context.Context, a Actor, in BulkInput) (BulkReport, error) {
	var v ValidationError
	if !slices.Contains(bulkActions, in.Action) {
		v.Add("action", M("bulk.unknown_action"))
	}
	if len(in.IDs) == 0 {
		v.Add("ids", M("bulk.none_selected"))
	}
	if len(in.IDs) > 1000 {
		v.Add("ids", M("bulk.too_many", "Max", 1000))
	}
	if in.Action == "change_role" && in.RoleID == 0 {
		v.Add("role_id", M("error.required"))
	}
	if in.Action == "add_group" && in.GroupID == 0 {
		v.Add("group_id", M("error.required"))
	}
	if err := v.Err(); err != nil {
		return BulkReport{}, err
	}
	rep := BulkReport{Action: in.Action, Skipped: []BulkSkip{}}
	for _, id := range in.IDs {
		label := d.userLabel(ctx, a, id)
		var err error
		switch in.Action {
		case "block":
			_, err = d.BlockUser(ctx, a, id)
		case "unblock":
			_, err = d.UnblockUser(ctx, a, id)
		case "delete":
			err = d.DeleteUser(ctx, a, id)
		case "change_role":
			err = d.SetUserRole(ctx, a, id, in.RoleID)
		case "add_group":
			err = d.addUserToGroup(ctx, a, id, in.GroupID)
		}
		if e := AsError(err); e != nil {
			reason := e.Msg
			for _, f := range e.Fields {
				reason = f
				break
			}
			rep.Skipped = append(rep.Skipped, BulkSkip{ID: id, Label: label, Reason: reason})
			continue
		} else if err != nil {
			return rep, err
		}
		rep.Done++
	}
	return rep, nil
}

// userLabel names a user of the acting account for a report, or shows the
// id when there is none to name.
func (d *DB) userLabel(ctx context.Context, a Actor, id int64) string {
	u, err := d.rq.GetUser(ctx, id)
	if err != nil || u.AccountID != a.AccountID {
		return "#" + strconv.FormatInt(id, 10)
	}
	if u.FullName != "" {
		return u.FullName + " <" + u.Email + ">"
	}
	return u.Email
}

// addUserToGroup adds one group to a user's groups, keeping the others.
func (d *DB) addUserToGroup(ctx context.Context, a Actor, userID, groupID int64) error {
	ids, err := d.UserGroupIDs(ctx, a, userID)
	if err != nil {
		return err
	}
	if slices.Contains(ids, groupID) {
		return nil
	}
	return d.SetUserGroups(ctx, a, userID, append(ids, groupID))
}
