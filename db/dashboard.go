package db

import "context"

// Dashboard is the start page's summary of the acting account; each part is
// filled only for an actor allowed to see it.
type Dashboard struct {
	ShowUsers   bool
	Users       map[string]int64 // by status
	UsersTotal  int64
	ShowSIP     bool
	SIPTotal    int64
	SIPFree     int64
	ShowMail    bool
	MailPending int
	MailFailed  int
}

// Dashboard returns the summary for the start page.
func (d *DB) Dashboard(ctx context.Context, a Actor) (Dashboard, error) {
	var out Dashboard
	if !a.Valid() {
		return out, errUnauthorized
	}
	if a.Can(PermUsersView) {
		rows, err := d.rq.UserStatusCounts(ctx, a.AccountID)
		if err != nil {
			return out, err
		}
		out.ShowUsers, out.Users = true, map[string]int64{}
		for _, r := range rows {
			out.Users[r.Status] = r.N
			out.UsersTotal += r.N
		}
	}
	if a.Can(PermSIPManage) {
		c, err := d.rq.SIPCounts(ctx, a.AccountID)
		if err != nil {
			return out, err
		}
		out.ShowSIP, out.SIPTotal, out.SIPFree = true, c.Total, c.Free
	}
	if a.IsOwner {
		p, err := d.ListOutbox(ctx, a, OutboxQuery{PerPage: 1})
		if err != nil {
			return out, err
		}
		out.ShowMail, out.MailPending, out.MailFailed = true, p.Counts[MailPending], p.Counts[MailFailed]
	}
	return out, nil
}
