package db

import (
	"bufio"
	"context"
	"encoding/csv"
	"io"
	"slices"
	"strconv"
	"strings"
)

// ExportUsers writes every user of the acting account that matches f (all
// pages, in f's sort) to w as a users CSV file (R-USER-13): a UTF-8
// byte-order mark (so that spreadsheets read the names right), a header of
// UserCSVColumns, then one row per user, CRLF line ends. Roles, positions,
// groups, caller IDs and SMS senders are written by name, so that the file
// imports back unchanged into an account that has the same names;
// send_invite is true for invited and active users (a password never
// leaves kadra, so they are invited to set one), false for the others.
// Needs users.view. Returns EINVALID for a bad filter, before writing.
func (d *DB) ExportUsers(ctx context.Context, a Actor, f UserFilter, w io.Writer) error {
	if err := a.require(PermUsersView); err != nil {
		return err
	}
	uq, err := userListQuery(a, f, d.now())
	if err != nil {
		return err
	}
	tree, err := d.groupTree(ctx, d.rq, a.AccountID, a.Lang)
	if err != nil {
		return err
	}
	paths := make(map[int64]string, len(tree))
	for _, g := range tree {
		paths[g.ID] = csvGroupPath(g.Path)
	}
	dir := " ASC"
	if uq.desc {
		dir = " DESC"
	}
	query := uq.with + `SELECT u.email, u.notify_email, u.full_name, u.work_phone, r.name, r.builtin,
		coalesce(p.name, ''), coalesce(p.builtin, ''),
		coalesce((SELECT group_concat(gm.group_id) FROM group_members gm WHERE gm.user_id = u.id), ''),
		coalesce(s.extension, ''),
		coalesce((SELECT n.number FROM phone_numbers n WHERE n.id = u.call_number_id), ''),
		coalesce((SELECT m.sender FROM sms_senders m WHERE m.id = u.sms_sender_id), ''),
		u.status` + uq.from + " ORDER BY " + uq.order + dir + ", u.id" + dir
	rows, err := d.queryRead(ctx, query, uq.args...)
	if err != nil {
		return err
	}
	defer rows.Close()

	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.WriteString("\xef\xbb\xbf"); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	cw.UseCRLF = true
	if err := cw.Write(UserCSVColumns); err != nil {
		return err
	}
	rec := make([]string, len(UserCSVColumns))
	for n := 1; rows.Next(); n++ {
		var email, notify, name, phone, role, roleKey, position, positionKey, groupIDs, ext, number, sender, status string
		if err := rows.Scan(&email, &notify, &name, &phone, &role, &roleKey, &position, &positionKey, &groupIDs,
			&ext, &number, &sender, &status); err != nil {
			return err
		}
		// Built-in names in the language of whoever exports; the import
		// reads them in any language (R-I18N-1).
		role, position = d.names.roleName(a.Lang, role, roleKey), d.names.groupName(a.Lang, position, positionKey)
		invite := status == StatusInvited || status == StatusActive
		// The order of UserCSVColumns.
		rec[0], rec[1], rec[2], rec[3] = escapeCSVCell(email), escapeCSVCell(notify), escapeCSVCell(name), phone
		rec[4], rec[5], rec[6] = escapeCSVCell(role), escapeCSVCell(position), escapeCSVCell(groupList(groupIDs, paths))
		rec[7], rec[8], rec[9], rec[10] = ext, number, sender, strconv.FormatBool(invite)
		if err := cw.Write(rec); err != nil {
			return err
		}
		if n%1000 == 0 {
			if cw.Flush(); cw.Error() != nil {
				return cw.Error()
			}
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// groupList turns "3,7" (group ids) into "A / B; C", sorted by path.
func groupList(ids string, paths map[int64]string) string {
	if ids == "" {
		return ""
	}
	var out []string
	for _, s := range strings.Split(ids, ",") {
		id, _ := strconv.ParseInt(s, 10, 64)
		if p, ok := paths[id]; ok {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return strings.Join(out, csvGroupSep+" ")
}
