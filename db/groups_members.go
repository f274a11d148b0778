package db

import (
	"context"
	"database/sql"
	"errors"
	"slices"

	"kadra/db/internal/sqlcdb"
)

// GroupMember is a user as a group's members page shows them.
type GroupMember struct {
	ID       int64  `json:"id"`
	Email    string `json:"email"`
	FullName string `json:"full_name"`
	Status   string `json:"status"`
}

// MemberFilter narrows a group's members; Deep includes the members of
// every subgroup.
type MemberFilter struct {
	Q       string `query:"q"`
	Deep    bool   `query:"deep"`
	Page    int    `query:"page"`
	PerPage int    `query:"per_page"`
}

func deepFlag(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// bigGroup is the member count from which a members page walks the users
// by name instead of sorting the members.
const bigGroup = 2000

// GroupMembers returns a page of a group's members, by name; with
// f.Deep, of the group and all its subgroups (R-GROUP-6). Returns ENOTFOUND
// for a group outside the acting account.
func (d *DB) GroupMembers(ctx context.Context, a Actor, id int64, f MemberFilter) (Page[GroupMember], error) {
	if err := canSeeGroups(a); err != nil {
		return Page[GroupMember]{}, err
	}
	_, err := d.rq.GetGroup(ctx, sqlcdb.GetGroupParams{ID: id, AccountID: a.AccountID})
	if err != nil {
		return Page[GroupMember]{}, notFound(err)
	}
	f.Page, f.PerPage = normalPage(f.Page, f.PerPage, 50)
	q := likeContains(f.Q)
	var total int
	if q.Valid {
		n, err := d.rq.CountGroupMembers(ctx, sqlcdb.CountGroupMembersParams{AccountID: a.AccountID,
			GroupID: id, Deep: deepFlag(f.Deep), Q: q})
		if err != nil {
			return Page[GroupMember]{}, err
		}
		total = int(n)
	} else if total, err = d.groupCount(ctx, a.AccountID, id, f.Deep); err != nil {
		return Page[GroupMember]{}, err
	}
	var rows []sqlcdb.GroupMembersRow
	lim, off := int64(f.PerPage), int64((f.Page-1)*f.PerPage)
	if total > bigGroup {
		byName, err := d.rq.GroupMembersByName(ctx, sqlcdb.GroupMembersByNameParams{AccountID: a.AccountID,
			GroupID: id, Deep: deepFlag(f.Deep), Q: q, Lim: lim, Off: off})
		if err != nil {
			return Page[GroupMember]{}, err
		}
		for _, r := range byName {
			rows = append(rows, sqlcdb.GroupMembersRow(r))
		}
	} else if rows, err = d.rq.GroupMembers(ctx, sqlcdb.GroupMembersParams{AccountID: a.AccountID, GroupID: id,
		Deep: deepFlag(f.Deep), Q: q, Lim: lim, Off: off}); err != nil {
		return Page[GroupMember]{}, err
	}
	out := Page[GroupMember]{Items: make([]GroupMember, len(rows)), Total: total, Page: f.Page,
		PerPage: f.PerPage}
	for i, u := range rows {
		out.Items[i] = GroupMember{ID: u.ID, Email: u.Email, FullName: u.FullName, Status: u.Status}
	}
	return out, nil
}

// UserGroupIDs returns the ids of the groups a user of the acting account
// belongs to (not their position).
func (d *DB) UserGroupIDs(ctx context.Context, a Actor, userID int64) ([]int64, error) {
	if err := canSeeGroups(a); err != nil {
		return nil, err
	}
	u, err := d.rq.GetUser(ctx, userID)
	if err != nil || u.AccountID != a.AccountID {
		return nil, errNotFound
	}
	return d.rq.UserGroupIDs(ctx, userID)
}

// SetUserGroups replaces the groups a user of the acting account belongs
// to; a user may be in many groups and subgroups (R-GROUP-2). Positions are
// not groups here: a user's one position is set with SetUserPosition.
// Needs users.manage. Returns ENOTFOUND for the user, EINVALID on group_ids
// for ids that are not the account's groups or are positions; nothing is
// written then.
func (d *DB) SetUserGroups(ctx context.Context, a Actor, userID int64, groupIDs []int64) error {
	if err := a.require(PermUsersManage); err != nil {
		return err
	}
	var want []int64
	return d.updateCounted(ctx, a, func(t *tx) ([]change, error) {
		c, err := t.setUserGroups(userID, groupIDs)
		if err != nil {
			return nil, err
		}
		if after, ok := c.After.(map[string]any); ok {
			want, _ = after["group_ids"].([]int64)
		}
		return one(c), nil
	}, func(s *countSnapshot) {
		s.setUserGroups(userID, want)
	})
}

// setUserGroups is SetUserGroups inside a transaction (the user form uses
// it too); the change is empty when the groups stay the same.
func (t *tx) setUserGroups(userID int64, groupIDs []int64) (change, error) {
	ctx := t.ctx
	u, err := t.targetUser(ActEdit, userID)
	if err != nil {
		return change{}, err
	}
	if len(groupIDs) == 0 { // the common case of the user form: no tree to read
		if before, err := t.UserGroupIDs(ctx, userID); err != nil || len(before) == 0 {
			return change{}, err
		}
	}
	var v ValidationError
	want, err := checkGroupIDs(t, &v, groupIDs) // the form's and the import's check
	if err != nil {
		return change{}, err
	}
	if err := v.Err(); err != nil {
		return change{}, err
	}
	before, err := t.UserGroupIDs(ctx, userID)
	if err != nil {
		return change{}, err
	}
	if slices.Equal(before, want) {
		return change{}, nil
	}
	if err := t.ClearUserGroups(ctx, userID); err != nil {
		return change{}, err
	}
	for _, id := range want {
		if err := t.JoinGroup(ctx, sqlcdb.JoinGroupParams{GroupID: id, UserID: userID}); err != nil {
			return change{}, err
		}
	}
	return change{Action: "user.groups", TargetType: "user", TargetID: userID, TargetLabel: u.Email,
		Before: map[string]any{"group_ids": before}, After: map[string]any{"group_ids": want}}, nil
}

// SetUserPosition sets the one position of a user of the acting account
// (R-GROUP-4, R-USER-5). Needs users.manage. Returns ENOTFOUND for the
// user, EINVALID on position_id for anything but a position of the account.
func (d *DB) SetUserPosition(ctx context.Context, a Actor, userID, positionID int64) error {
	if err := a.require(PermUsersManage); err != nil {
		return err
	}
	var oldPosition int64
	return d.updateCounted(ctx, a, func(t *tx) ([]change, error) {
		c, err := t.setUserPosition(userID, positionID)
		if err != nil {
			return nil, err
		}
		if before, ok := c.Before.(map[string]any); ok {
			oldPosition, _ = before["position_id"].(int64)
		}
		return one(c), nil
	}, func(s *countSnapshot) {
		if oldPosition != 0 {
			s.positions[oldPosition]--
		}
		s.positions[positionID]++
	})
}

// setUserPosition is SetUserPosition inside a transaction; the change is
// empty when the position stays the same.
func (t *tx) setUserPosition(userID, positionID int64) (change, error) {
	ctx, a := t.ctx, t.a
	u, err := t.targetUser(ActEdit, userID)
	if err != nil {
		return change{}, err
	}
	pos, err := t.GetGroup(ctx, sqlcdb.GetGroupParams{ID: positionID, AccountID: a.AccountID})
	ok := err == nil && pos.ParentID.Valid
	if ok {
		parent, err := t.GetGroup(ctx, sqlcdb.GetGroupParams{ID: pos.ParentID.Int64, AccountID: a.AccountID})
		if err != nil {
			return change{}, err
		}
		ok = parent.BuiltinPosition == 1
	} else if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return change{}, err
	}
	if !ok {
		var v ValidationError
		v.Add("position_id", M("user.position_unknown"))
		return change{}, v.Err()
	}
	if u.PositionID.Int64 == positionID {
		return change{}, nil
	}
	if err := t.SetUserPositionID(ctx, sqlcdb.SetUserPositionIDParams{PositionID: nullID(positionID),
		UpdatedAt: t.d.unix(), ID: userID}); err != nil {
		return change{}, err
	}
	return change{Action: "user.position", TargetType: "user", TargetID: userID, TargetLabel: u.Email,
		Before: map[string]any{"position_id": u.PositionID.Int64},
		After:  map[string]any{"position_id": positionID}}, nil
}
