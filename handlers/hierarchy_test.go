package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"kadra/db"
	"kadra/db/dbtest"
)

// R-SEC-2 is tested as the isolation matrix is (isolation_test.go): every
// state-changing route of the router is either a route that changes a user,
// with the act it performs, or named below as one that does not, with why;
// a new route that is neither fails the test. Each user-changing route is
// then tried by every actor on every target, and the outcome is judged by
// what happened to the target: an allowed act changes it, a refused one
// leaves it exactly as it was.

// hAct is what a route does to its target, with the permission it needs
// and whether an actor may do it to themselves (their own organisational
// details, never their credentials).
type hAct struct {
	name string
	perm []db.Permission // any one of them
	self bool
}

var (
	actEditCred = hAct{"edit (with credentials)", []db.Permission{db.PermUsersManage}, false}
	actEditOrg  = hAct{"edit (groups, position)", []db.Permission{db.PermUsersManage}, true}
	actSIP      = hAct{"SIP account", []db.Permission{db.PermSIPManage}, true}
	actCaller   = hAct{"caller ID", []db.Permission{db.PermUsersManage, db.PermNumbersManage}, true}
	actSeat     = hAct{"licence seat", []db.Permission{db.PermLicensesManage}, true}
	actAccess   = hAct{"sub-account access", []db.Permission{db.PermAccountsManage}, false}
	actRole     = hAct{"role", []db.Permission{db.PermUsersManage}, false}
	actBlock    = hAct{"block", []db.Permission{db.PermUsersBlock}, false}
	actUnblock  = hAct{"unblock", []db.Permission{db.PermUsersBlock}, false}
	actDelete   = hAct{"delete", []db.Permission{db.PermUsersDelete}, false}
	actReset    = hAct{"reset password", []db.Permission{db.PermUsersManage}, false}
	actImp      = hAct{"impersonate", []db.Permission{db.PermUsersImpersonate}, false}
	actSessions = hAct{"end sessions", []db.Permission{db.PermUsersBlock}, false}
	// actOffboard (R-GOV-4) needs users.block, and each step its own act:
	// every target has an extension, so freeing it needs ActSIP too
	// (allowed says so).
	actOffboard = hAct{"offboard", []db.Permission{db.PermUsersBlock}, false}
	actResetMFA = hAct{"reset second factor", []db.Permission{db.PermUsersManage}, false}
)

// notUserRoutes change no existing user, or only the actor through their
// own profile; each says why it is outside the matrix.
var notUserRoutes = map[string]string{
	"POST /lang":                          "a cookie",
	"POST /password/strength":             "rates a typed password; changes nothing",
	"POST /setup":                         "first run, no users yet",
	"POST /api/v1/setup":                  "first run, no users yet",
	"POST /login":                         "signs oneself in",
	"POST /login/code":                    "signs oneself in: the second step (R-MFA-1)",
	"POST /profile/2fa/confirm":           "one's own second factor (R-SEC-9 tests it)",
	"POST /profile/2fa/codes":             "one's own recovery codes (R-SEC-9 tests it)",
	"POST /profile/2fa/disable":           "one's own second factor (R-SEC-9 tests it)",
	"POST /settings/mfa":                  "installation settings, owner only (R-MFA-3)",
	"POST /settings/directory/oidc":       "installation settings, owner only (issue 17, OIDC)",
	"POST /settings/directory/oidc/check": "reads the provider's discovery document, changes nothing; owner only",
	// Sign-in through the provider: GETs (the browser follows redirects),
	// listed here because the callback opens a session. Start only sets
	// the flow cookie; the callback signs in the person the provider
	// vouched for, as themselves: no actor acts on another user.
	"GET /auth/oidc/start":                       "anonymous; sends the browser to the provider, changes nothing",
	"GET /auth/oidc/callback":                    "anonymous; signs in the person the provider vouched for, as themselves",
	"POST /profile/passkeys/begin":               "one's own passkey (R-SEC-9 tests it)",
	"POST /profile/passkeys/finish":              "one's own passkey (R-SEC-9 tests it)",
	"POST /profile/passkeys/delete":              "one's own passkey (R-SEC-9 tests it)",
	"POST /login/passkey/begin":                  "signs oneself in: a passkey ceremony (R-MFA-2)",
	"POST /login/passkey/finish":                 "signs oneself in with a passkey (R-MFA-2)",
	"POST /logout":                               "signs oneself out",
	"POST /forgot-password":                      "anonymous; mails whoever owns the address",
	"POST /activate/:token":                      "the link's own user",
	"POST /reset-password/:token":                "the link's own user",
	"POST /confirm-email/:token":                 "the link's own user (their new notification address)",
	"POST /profile/password":                     "one's own profile (R-SEC-9 tests it)",
	"POST /profile/details":                      "one's own profile (R-SEC-9 tests it)",
	"POST /profile/sign-out-everywhere":          "one's own profile",
	"POST /profile/tokens":                       "one's own profile (R-SEC-9 tests it)",
	"POST /profile/tokens/revoke":                "one's own profile (R-SEC-9 tests it)",
	"POST /profile/sessions/end":                 "one's own sessions only (TestEndOwnSessions)",
	"POST /profile/sessions/end-others":          "one's own sessions only (TestEndOwnSessions)",
	"POST /tokens/revoke":                        "any API token, owner only (R-MFA-6, TestOwnerTokens)",
	"POST /api/v1/me/password":                   "one's own profile",
	"POST /impersonation/stop":                   "ends one's own log-in-as",
	"POST /settings/dormancy":                    "installation settings, owner only; the owner may block anyone (R-GOV-1)",
	"POST /settings/dormancy/preview":            "changes nothing, owner only (R-GOV-1)",
	"POST /settings/impersonation":               "installation settings, owner only (R-GOV-3)",
	"POST /access-review/done":                   "the review's stamp, owner only (R-GOV-5)",
	"POST /access-review/reminder":               "the review's reminder, owner only (R-GOV-5)",
	"PATCH /api/v1/dormancy":                     "installation settings, owner only; the owner may block anyone (R-GOV-1)",
	"POST /api/v1/dormancy/preview":              "changes nothing, owner only (R-GOV-1)",
	"POST /api/v1/access-review/done":            "the review's stamp, owner only (R-GOV-5)",
	"POST /settings/password-policy":             "installation settings, owner only",
	"POST /settings/backup-schedule":             "installation settings, owner only",
	"POST /settings/mail":                        "installation settings, owner only (R-MAIL-1)",
	"POST /settings/mail/test":                   "mails the owner or an address typed, owner only (R-MAIL-1)",
	"POST /settings/time-zone":                   "installation settings, owner only",
	"POST /outbox/:id/retry":                     "mail already queued",
	"POST /sip":                                  "creates a free SIP account",
	"POST /api/v1/sip-accounts":                  "creates a SIP account; every target already has one, so giving it is refused for all (sip_test)",
	"POST /sip/settings":                         "the account's SIP domain",
	"PATCH /api/v1/sip-settings":                 "the account's SIP domain",
	"POST /sip/regenerate-stale":                 "skips stronger users' phones (TestRegenerateStaleSkipsStronger)",
	"POST /api/v1/sip-settings/regenerate-stale": "skips stronger users' phones (TestRegenerateStaleSkipsStronger)",
	"POST /sip/:id/delete":                       "an assigned SIP account is never deleted",
	"DELETE /api/v1/sip-accounts/:id":            "an assigned SIP account is never deleted",
	"POST /roles/new":                            "owner only (R-ROLE-3); the owner stays Administrator (TestBuiltinRoles)",
	"POST /api/v1/roles":                         "owner only (R-ROLE-3)",
	"POST /roles/:id":                            "owner only (R-ROLE-3)",
	"PATCH /api/v1/roles/:id":                    "owner only (R-ROLE-3)",
	"POST /roles/:id/delete":                     "owner only (R-ROLE-3)",
	"DELETE /api/v1/roles/:id":                   "owner only (R-ROLE-3)",
	"POST /groups":                               "groups, not users",
	"POST /api/v1/groups":                        "groups, not users",
	"POST /groups/:id":                           "groups, not users",
	"PATCH /api/v1/groups/:id":                   "groups, not users",
	"POST /groups/:id/delete":                    "refused while the group has members",
	"DELETE /api/v1/groups/:id":                  "refused while the group has members",
	"POST /numbers":                              "the account's numbers",
	"POST /api/v1/numbers":                       "the account's numbers",
	"POST /numbers/:id":                          "the account's numbers",
	"PATCH /api/v1/numbers/:id":                  "the account's numbers",
	"POST /numbers/:id/delete":                   "refused while a user presents it",
	"DELETE /api/v1/numbers/:id":                 "refused while a user presents it",
	"POST /numbers/senders":                      "the account's senders",
	"POST /api/v1/sms-senders":                   "the account's senders",
	"POST /numbers/senders/:id":                  "the account's senders",
	"PATCH /api/v1/sms-senders/:id":              "the account's senders",
	"POST /numbers/senders/:id/delete":           "refused while a user presents it",
	"DELETE /api/v1/sms-senders/:id":             "refused while a user presents it",
	"POST /accounts/new":                         "sub-accounts, not users",
	"POST /accounts":                             "sub-accounts, not users",
	"POST /api/v1/accounts":                      "sub-accounts, not users",
	"POST /accounts/switch":                      "one's own session",
	"POST /accounts/:id":                         "sub-accounts, not users",
	"PATCH /api/v1/accounts/:id":                 "sub-accounts, not users",
	"POST /accounts/:id/delete":                  "sub-accounts, not users",
	"DELETE /api/v1/accounts/:id":                "sub-accounts, not users",
	"POST /licenses":                             "licences, not users",
	"POST /api/v1/licenses":                      "licences, not users",
	"POST /licenses/:id":                         "licences, not users",
	"PATCH /api/v1/licenses/:id":                 "licences, not users",
	"POST /licenses/:id/delete":                  "licences, not users",
	"DELETE /api/v1/licenses/:id":                "licences, not users",
	"POST /usage/billing-day":                    "billing settings",
	"POST /users/import":                         "CSV: rows go through CreateUser (TestHierarchyCreateAndImport)",
	"POST /users/import/:token/confirm":          "CSV: rows go through CreateUser (TestHierarchyCreateAndImport)",
	"POST /users":                                "creates a user (TestHierarchyCreateAndImport)",
	"POST /offboardings/:id/cancel":              "cancels a scheduled offboarding, which has changed nobody yet (users.delete; TestOffboardScheduled)",
	"DELETE /api/v1/offboardings/:id":            "cancels a scheduled offboarding, which has changed nobody yet (users.delete; TestOffboardScheduled)",
	"POST /api/v1/users":                         "creates a user (TestHierarchyCreateAndImport)",
	// SCIM takes a SCIM token, not a user's: its own matrix (R-SEC-2,
	// TestSCIMHierarchy and TestSCIMHierarchyAdminCeiling in scim_test.go).
	"POST /settings/directory/scim-tokens":        "makes a SCIM token; its ceiling is a role within the maker's own (TestSCIMTokenCeiling)",
	"POST /settings/directory/scim-tokens/revoke": "revokes a SCIM token of the account",
	"POST /scim/v2/*":                             "SCIM: TestSCIMHierarchy (ceiling role, never the owner)",
	"PUT /scim/v2/*":                              "SCIM: TestSCIMHierarchy (ceiling role, never the owner)",
	"PATCH /scim/v2/*":                            "SCIM: TestSCIMHierarchy (ceiling role, never the owner)",
	"DELETE /scim/v2/*":                           "SCIM: TestSCIMHierarchy (ceiling role, never the owner)",
}

// hWorld is the installation of the matrix: roles, the things acts hand
// out, and the actors.
type hWorld struct {
	a                    *app
	owner                db.Actor
	helpdesk, blocker    int64 // role ids
	reader, staff, admin int64
	license, group, pos2 int64
	number, sender, sub  int64
	actors               []*hActor
	n                    int
}

type hActor struct {
	name   string
	user   db.User // whom the policy sees: for the impersonator, the user acted as
	behind db.User // the admin behind a log-in-as
	roleID int64
	perms  []db.Permission
	owner  bool
	web    *client
	token  string // "" for the impersonator: the API has no log-in-as
}

func (x *hActor) can(act hAct) bool {
	if x.owner {
		return true
	}
	return slices.ContainsFunc(act.perm, func(p db.Permission) bool { return slices.Contains(x.perms, p) })
}

func newHierarchy(t *testing.T) *hWorld {
	t.Helper()
	ctx := context.Background()
	ap := newSetupApp(t)
	w := &hWorld{a: ap, owner: ownerActor(t, ap)}
	role := func(name string, perms ...db.Permission) int64 {
		r, err := ap.db.CreateRole(ctx, w.owner, db.RoleInput{Name: name, Permissions: perms})
		if err != nil {
			t.Fatal(err)
		}
		return r.ID
	}
	helpdeskPerms := []db.Permission{db.PermUsersView, db.PermUsersManage, db.PermUsersBlock, db.PermUsersDelete,
		db.PermUsersImpersonate, db.PermLicensesManage, db.PermSIPManage, db.PermNumbersManage}
	blockerPerms := []db.Permission{db.PermUsersView, db.PermUsersBlock}
	w.helpdesk = role("Helpdesk", helpdeskPerms...)
	w.blocker = role("Blocker", blockerPerms...)
	w.reader = role("Reader", db.PermUsersView)
	w.staff, _ = ap.db.BuiltinRoleID(ctx, db.BuiltinStaff)
	w.admin, _ = ap.db.BuiltinRoleID(ctx, db.BuiltinAdministrator)
	l, err := ap.db.CreateLicense(ctx, w.owner, db.LicenseInput{Product: "Office", Seats: 10000})
	if err != nil {
		t.Fatal(err)
	}
	w.license = l.ID
	g, err := ap.db.CreateGroup(ctx, w.owner, db.GroupInput{Name: "Sales"})
	if err != nil {
		t.Fatal(err)
	}
	w.group = g.ID
	posRoot, err := ap.db.DefaultPositionID(ctx, w.owner)
	if err != nil {
		t.Fatal(err)
	}
	p, err := ap.db.CreateGroup(ctx, w.owner, db.GroupInput{Name: "Manager", ParentID: parentOf(t, ap, posRoot)})
	if err != nil {
		t.Fatal(err)
	}
	w.pos2 = p.ID
	n, err := ap.db.CreatePresentation(ctx, w.owner, db.PhoneNumbers, db.PresentationInput{Value: "+48 22 100 00 00", Label: "Office"})
	if err != nil {
		t.Fatal(err)
	}
	w.number = n.ID
	s, err := ap.db.CreatePresentation(ctx, w.owner, db.SMSSenders, db.PresentationInput{Value: "Biuro", Label: "Office"})
	if err != nil {
		t.Fatal(err)
	}
	w.sender = s.ID
	w.sub = dbtest.AddAccount(t, ap.db, w.owner, "Branch").ID
	if _, err := ap.db.CreateSIPAccountForUser(ctx, w.owner, w.owner.UserID, db.SIPAccountInput{Extension: "100"}); err != nil {
		t.Fatal(err)
	}

	all := db.AllPermissions()
	w.actors = []*hActor{
		{name: "owner", owner: true, perms: all, roleID: w.admin},
		{name: "Administrator", perms: all, roleID: w.admin},
		{name: "helpdesk", perms: helpdeskPerms, roleID: w.helpdesk},
		{name: "users.block only", perms: blockerPerms, roleID: w.blocker},
		{name: "staff", roleID: w.staff},
		{name: "impersonator", perms: helpdeskPerms, roleID: w.helpdesk},
	}
	for _, x := range w.actors {
		switch x.name {
		case "owner":
			d, _ := ap.db.GetUserDetails(ctx, w.owner, w.owner.UserID)
			x.user = d.User
			x.web = ap.ownerClient()
			x.token = ap.token(x.user.Email)
		case "impersonator":
			x.behind = w.user(t, "behind", w.admin)
			x.user = w.user(t, "actedas", w.helpdesk)
			x.web = ap.client()
			x.web.login(x.behind.Email, dbtest.OwnerPassword)
			x.web.get("/users")
			if r := x.web.post(fmt.Sprintf("/users/%d/impersonate", x.user.ID), impersonateForm()); r.Status != http.StatusSeeOther {
				t.Fatalf("log in as: %d %s", r.Status, r.Body)
			}
		default:
			x.user = w.user(t, strings.ReplaceAll(x.name, " ", ""), x.roleID)
			x.web = ap.client()
			x.web.login(x.user.Email, dbtest.OwnerPassword)
			x.token = ap.token(x.user.Email)
		}
		x.web.get("/")
	}
	return w
}

func parentOf(t *testing.T, ap *app, positionID int64) int64 {
	t.Helper()
	g, err := ap.db.GetGroup(context.Background(), ownerActor(t, ap), positionID)
	if err != nil {
		t.Fatal(err)
	}
	return g.ParentID
}

// user makes a fresh user with a role, active, with an extension.
func (w *hWorld) user(t *testing.T, label string, roleID int64) db.User {
	t.Helper()
	w.n++
	u := dbtest.AddUser(t, w.a.db, w.owner, fmt.Sprintf("%s-%d@example.pl", strings.ToLower(label), w.n))
	if roleID != w.staff {
		if err := w.a.db.SetUserRole(context.Background(), w.owner, u.ID, roleID); err != nil {
			t.Fatal(err)
		}
	}
	return u
}

// hTarget is one target of a cell: who, and whether the policy should let
// the actor act on them (given the act's permission).
type hTarget struct {
	name  string
	user  db.User
	fresh bool // made for this cell, so an allowed act may change it freely
	self  bool
	owner bool
	perms []db.Permission
}

func (w *hWorld) targets(t *testing.T, x *hActor) []hTarget {
	ctx := context.Background()
	owner, _ := w.a.db.GetUserDetails(ctx, w.owner, w.owner.UserID)
	out := []hTarget{
		{name: "owner", user: owner.User, owner: true, self: x.owner},
		{name: "Administrator", user: w.user(t, "admin", w.admin), fresh: true, perms: db.AllPermissions()},
		{name: "peer", user: w.user(t, "peer", x.roleID), fresh: true, perms: x.perms},
		{name: "weaker", user: w.user(t, "weaker", w.staff), fresh: true},
		{name: "self", user: x.user, self: true, owner: x.owner},
	}
	if x.behind.ID != 0 {
		out = append(out, hTarget{name: "the admin behind", user: x.behind, self: true, perms: db.AllPermissions()})
	}
	return out
}

// allowed is R-SEC-2 written as the spec says it, apart from the policy.
func allowed(x *hActor, tg hTarget, act hAct) bool {
	switch {
	case !x.can(act):
		return false
	case act.name == actImp.name && x.behind.ID != 0:
		return false // no log-in-as inside a log-in-as (R-USER-14)
	case act.name == actAccess.name && x.behind.ID == 0 && x.user.AccountID != tg.user.AccountID:
		return false
	case act.name == actOffboard.name && !x.can(actSIP) && !x.can(actEditOrg):
		return false // the extension's step is ActSIP (sip.manage or users.manage)
	case tg.self:
		return act.self && tg.user.ID == x.user.ID
	case tg.owner:
		return x.owner
	case x.owner:
		return true
	}
	for _, p := range tg.perms {
		if !slices.Contains(x.perms, p) {
			return false
		}
	}
	return true
}

// snapshot is everything an act could change about a user, read as the
// owner: details, seats, access, SIP password and state, mail sent.
func (w *hWorld) snapshot(t *testing.T, id int64) string {
	t.Helper()
	ctx := context.Background()
	d, err := w.a.db.GetUserDetails(ctx, w.owner, id)
	if err != nil {
		return "gone: " + err.Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%+v\n", d)
	ls, _ := w.a.db.UserLicenses(ctx, w.owner, id)
	for _, l := range ls {
		fmt.Fprintf(&b, "licence %d %v\n", l.ID, l.Held)
	}
	if acc, err := w.a.db.GetUserAccess(ctx, w.owner, id); err == nil {
		for _, c := range acc.Accounts {
			fmt.Fprintf(&b, "access %d %v\n", c.ID, c.Granted)
		}
	}
	if d.SIPAccountID != 0 {
		s, _ := w.a.db.GetSIPAccount(ctx, w.owner, d.SIPAccountID)
		fmt.Fprintf(&b, "sip enabled %v\n", s.Enabled)
		subs, _ := w.a.db.SIPSubscribers(ctx, db.System(), "")
		for _, s := range subs {
			if s.Username == d.Extension {
				fmt.Fprintf(&b, "ha1 %s\n", s.HA1)
			}
		}
	}
	grants, _ := w.a.db.UserGrants(ctx, w.owner, id) // R-GOV-2
	for _, g := range grants {
		fmt.Fprintf(&b, "grant %s %d %d %s\n", g.Kind, g.AccountID, g.RoleID, g.LastDay)
	}
	sessions, _ := w.a.db.UserSessions(ctx, w.owner, id)
	fmt.Fprintf(&b, "sessions %d\n", len(sessions))
	mfa, _ := w.a.db.HasSecondFactor(ctx, id)
	fmt.Fprintf(&b, "second factor %v\n", mfa)
	mail, _ := w.a.db.ListOutbox(ctx, w.owner, db.OutboxQuery{Q: d.Email})
	fmt.Fprintf(&b, "mail %d\n", mail.Total)
	return b.String()
}

// hRoute is one user-changing route: its act, how to get the target ready
// (an unblock needs a blocked user), and the request.
type hRoute struct {
	act     hAct
	prepare func(w *hWorld, t *testing.T, u db.User)
	send    func(w *hWorld, t *testing.T, x *hActor, u db.User) int
	// sessionOnly: the act changes no stored field of the target (a
	// log-in-as session), so its answer says whether it was allowed.
	sessionOnly bool
}

func (w *hWorld) form(t *testing.T, x *hActor, path string, f url.Values) int {
	t.Helper()
	if f == nil {
		f = url.Values{}
	}
	f.Set("back", "/users")
	return x.web.post(path, f).Status
}

func (w *hWorld) json(t *testing.T, x *hActor, method, path string, body any) int {
	t.Helper()
	if x.token == "" {
		return -1
	}
	st, _ := w.a.api(method, path, x.token, body)
	return st
}

func post(path string) func(*hWorld, *testing.T, *hActor, db.User) int {
	return func(w *hWorld, t *testing.T, x *hActor, u db.User) int {
		return w.form(t, x, fmt.Sprintf(path, u.ID), nil)
	}
}

func call(method, path string, body func(w *hWorld, u db.User) any) func(*hWorld, *testing.T, *hActor, db.User) int {
	return func(w *hWorld, t *testing.T, x *hActor, u db.User) int {
		var b any
		if body != nil {
			b = body(w, u)
		}
		return w.json(t, x, method, fmt.Sprintf(path, u.ID), b)
	}
}

func bulk(action string) func(*hWorld, *testing.T, *hActor, db.User) int {
	return func(w *hWorld, t *testing.T, x *hActor, u db.User) int {
		return w.form(t, x, "/users/bulk", url.Values{"action": {action}, "ids": {strconv.FormatInt(u.ID, 10)},
			"role_id": {strconv.FormatInt(w.reader, 10)}, "group_id": {strconv.FormatInt(w.group, 10)}})
	}
}

func (w *hWorld) sipOf(t *testing.T, u db.User) int64 {
	d, err := w.a.db.GetUserDetails(context.Background(), w.owner, u.ID)
	if err != nil {
		t.Fatalf("%s: %v", u.Email, err)
	}
	return d.SIPAccountID
}

func blockFirst(w *hWorld, t *testing.T, u db.User) {
	if u.IsOwner {
		return
	}
	if _, err := w.a.db.BlockUser(context.Background(), w.owner, u.ID); err != nil {
		t.Fatal(err)
	}
}

// signInFirst gives a fresh target a session to end.
func signInFirst(w *hWorld, t *testing.T, u db.User) {
	if _, err := w.a.db.Login(context.Background(), db.LoginInput{Email: u.Email, Password: dbtest.OwnerPassword,
		IP: "192.0.2.7", UserAgent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"}); err != nil {
		t.Fatal(err)
	}
}

// mfaFirst gives the target a second factor (TOTP) to remove, once.
func mfaFirst(w *hWorld, t *testing.T, u db.User) {
	ctx := context.Background()
	if on, _ := w.a.db.HasSecondFactor(ctx, u.ID); on {
		return
	}
	a := dbtest.Login(t, w.a.db, u.Email, dbtest.OwnerPassword)
	en, err := w.a.db.BeginTOTP(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	code, err := totp.GenerateCode(strings.ReplaceAll(en.Key, " ", ""), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.a.db.ConfirmTOTP(ctx, a, code); err != nil {
		t.Fatal(err)
	}
}

func seatFirst(w *hWorld, t *testing.T, u db.User) {
	if _, err := w.a.db.AssignLicense(context.Background(), w.owner, w.license, u.ID); err != nil {
		t.Fatal(err)
	}
}

func disableSIPFirst(w *hWorld, t *testing.T, u db.User) {
	if id := w.sipOf(t, u); id != 0 {
		if _, err := w.a.db.SetSIPEnabled(context.Background(), w.owner, id, false); err != nil {
			t.Fatal(err)
		}
	}
}

// userRoutes are every route that changes an existing user, by method and
// router path.
var userRoutes = map[string]hRoute{
	"POST /users/:id": {act: actEditCred, send: func(w *hWorld, t *testing.T, x *hActor, u db.User) int {
		d, _ := w.a.db.GetUserDetails(context.Background(), w.owner, u.ID)
		f := url.Values{"email": {"taken-over-" + u.Email}, "full_name": {"Taken Over"}, "password": {"N3w-secret!x"},
			"password_confirm": {"N3w-secret!x"}, "role_id": {fmt.Sprint(d.RoleID)}, "position_id": {fmt.Sprint(d.PositionID)},
			"sip_account_id": {fmt.Sprint(d.SIPAccountID)}}
		if d.SIPAccountID == 0 {
			f.Set("extension", dbtest.Extension())
		}
		return w.form(t, x, fmt.Sprintf("/users/%d", u.ID), f)
	}},
	"POST /users/:id/block":             {act: actBlock, send: post("/users/%d/block")},
	"POST /users/:id/unblock":           {act: actUnblock, prepare: blockFirst, send: post("/users/%d/unblock")},
	"POST /users/:id/delete":            {act: actDelete, send: post("/users/%d/delete")},
	"POST /users/:id/reset-password":    {act: actReset, send: post("/users/%d/reset-password")},
	"POST /users/:id/sessions/end":      {act: actSessions, prepare: signInFirst, send: post("/users/%d/sessions/end")},
	"POST /users/:id/mfa/reset":         {act: actResetMFA, prepare: mfaFirst, send: post("/users/%d/mfa/reset")},
	"POST /api/v1/users/:id/mfa/reset":  {act: actResetMFA, prepare: mfaFirst, send: call("POST", "/api/v1/users/%d/mfa/reset", nil)},
	"DELETE /api/v1/users/:id/sessions": {act: actSessions, prepare: signInFirst, send: call("DELETE", "/api/v1/users/%d/sessions", nil)},
	"POST /users/:id/impersonate": {act: actImp, sessionOnly: true, send: func(w *hWorld, t *testing.T, x *hActor, u db.User) int {
		st := w.form(t, x, fmt.Sprintf("/users/%d/impersonate", u.ID), impersonateForm())
		if st == http.StatusSeeOther {
			x.web.get("/")
			x.web.post("/impersonation/stop", nil)
			x.web.get("/")
		}
		return st
	}},
	"POST /users/:id/access": {act: actAccess, send: func(w *hWorld, t *testing.T, x *hActor, u db.User) int {
		return w.form(t, x, fmt.Sprintf("/users/%d/access", u.ID), url.Values{"account_ids": {fmt.Sprint(w.sub)}})
	}},
	"POST /users/:id/licenses": {act: actSeat, send: func(w *hWorld, t *testing.T, x *hActor, u db.User) int {
		return w.form(t, x, fmt.Sprintf("/users/%d/licenses", u.ID), url.Values{"license_ids": {fmt.Sprint(w.license)}})
	}},
	"POST /users/bulk": {}, // one route, five acts: see bulkRoutes
	"POST /licenses/:id/seats": {act: actSeat, send: func(w *hWorld, t *testing.T, x *hActor, u db.User) int {
		return w.form(t, x, fmt.Sprintf("/licenses/%d/seats", w.license), url.Values{"email": {u.Email}})
	}},
	"POST /licenses/:id/seats/:user_id/delete": {act: actSeat, prepare: seatFirst, send: func(w *hWorld, t *testing.T, x *hActor, u db.User) int {
		return w.form(t, x, fmt.Sprintf("/licenses/%d/seats/%d/delete", w.license, u.ID), nil)
	}},
	"POST /accounts/:id/access": {act: actAccess, send: func(w *hWorld, t *testing.T, x *hActor, u db.User) int {
		id := fmt.Sprint(u.ID)
		return w.form(t, x, fmt.Sprintf("/accounts/%d/access", w.sub), url.Values{"shown": {id}, "granted": {id}})
	}},
	"POST /sip/:id/secret": {act: actSIP, send: func(w *hWorld, t *testing.T, x *hActor, u db.User) int {
		return w.form(t, x, fmt.Sprintf("/sip/%d/secret", w.sipOf(t, u)), url.Values{"password_mode": {"generate"}})
	}},
	"POST /sip/:id/disable": {act: actSIP, send: func(w *hWorld, t *testing.T, x *hActor, u db.User) int {
		return w.form(t, x, fmt.Sprintf("/sip/%d/disable", w.sipOf(t, u)), nil)
	}},
	"POST /sip/:id/enable": {act: actSIP, prepare: disableSIPFirst, send: func(w *hWorld, t *testing.T, x *hActor, u db.User) int {
		return w.form(t, x, fmt.Sprintf("/sip/%d/enable", w.sipOf(t, u)), nil)
	}},
	"PATCH /api/v1/users/:id": {act: actEditCred, send: call("PATCH", "/api/v1/users/%d", func(w *hWorld, u db.User) any {
		return map[string]any{"email": "taken-over-" + u.Email, "full_name": "Taken Over", "password": "N3w-secret!x"}
	})},
	"DELETE /api/v1/users/:id":              {act: actDelete, send: call("DELETE", "/api/v1/users/%d", nil)},
	"POST /api/v1/users/:id/block":          {act: actBlock, send: call("POST", "/api/v1/users/%d/block", nil)},
	"POST /api/v1/users/:id/unblock":        {act: actUnblock, prepare: blockFirst, send: call("POST", "/api/v1/users/%d/unblock", nil)},
	"POST /api/v1/users/:id/reset-password": {act: actReset, send: call("POST", "/api/v1/users/%d/reset-password", nil)},
	"PUT /api/v1/users/:id/caller-id": {act: actCaller, send: call("PUT", "/api/v1/users/%d/caller-id", func(w *hWorld, u db.User) any {
		return map[string]any{"call_number_id": w.number}
	})},
	"PUT /api/v1/users/:id/sms-sender": {act: actCaller, send: call("PUT", "/api/v1/users/%d/sms-sender", func(w *hWorld, u db.User) any {
		return map[string]any{"sms_sender_id": w.sender}
	})},
	"PUT /api/v1/users/:id/groups": {act: actEditOrg, send: call("PUT", "/api/v1/users/%d/groups", func(w *hWorld, u db.User) any {
		return map[string]any{"group_ids": []int64{w.group}}
	})},
	"PUT /api/v1/users/:id/position": {act: actEditOrg, send: call("PUT", "/api/v1/users/%d/position", func(w *hWorld, u db.User) any {
		return map[string]any{"position_id": w.pos2}
	})},
	"PUT /api/v1/users/:id/role": {act: actRole, send: call("PUT", "/api/v1/users/%d/role", func(w *hWorld, u db.User) any {
		return map[string]any{"role_id": w.reader}
	})},
	"PATCH /api/v1/sip-accounts/:id": {act: actSIP, send: func(w *hWorld, t *testing.T, x *hActor, u db.User) int {
		return w.json(t, x, "PATCH", fmt.Sprintf("/api/v1/sip-accounts/%d", w.sipOf(t, u)), map[string]any{"enabled": false})
	}},
	"POST /api/v1/sip-accounts/:id/secret": {act: actSIP, send: func(w *hWorld, t *testing.T, x *hActor, u db.User) int {
		return w.json(t, x, "POST", fmt.Sprintf("/api/v1/sip-accounts/%d/secret", w.sipOf(t, u)), map[string]any{"password_mode": "generate"})
	}},
	"POST /api/v1/licenses/:id/seats": {act: actSeat, send: func(w *hWorld, t *testing.T, x *hActor, u db.User) int {
		return w.json(t, x, "POST", fmt.Sprintf("/api/v1/licenses/%d/seats", w.license), map[string]any{"user_id": u.ID})
	}},
	"DELETE /api/v1/licenses/:id/seats": {act: actSeat, prepare: seatFirst, send: func(w *hWorld, t *testing.T, x *hActor, u db.User) int {
		return w.json(t, x, "DELETE", fmt.Sprintf("/api/v1/licenses/%d/seats?user_id=%d", w.license, u.ID), nil)
	}},
	"PUT /api/v1/accounts/:id/access": {act: actAccess, send: func(w *hWorld, t *testing.T, x *hActor, u db.User) int {
		return w.json(t, x, "PUT", fmt.Sprintf("/api/v1/accounts/%d/access", w.sub), map[string]any{"user_ids": []int64{u.ID}})
	}},
	// R-GOV-2: grants that end are the acts of giving them (ActAccess,
	// ActRole); the role half of POST /users/:id/grants is in bulkRoutes.
	"POST /users/:id/grants": {act: actAccess, send: func(w *hWorld, t *testing.T, x *hActor, u db.User) int {
		return w.form(t, x, fmt.Sprintf("/users/%d/grants", u.ID), url.Values{"kind": {"access"},
			"account_id": {fmt.Sprint(w.sub)}, "days": {"3"}})
	}},
	"POST /users/:id/grants/end": {act: actAccess, prepare: accessGrantFirst, send: func(w *hWorld, t *testing.T, x *hActor, u db.User) int {
		return w.form(t, x, fmt.Sprintf("/users/%d/grants/end", u.ID), url.Values{"kind": {"access"},
			"account_id": {fmt.Sprint(w.sub)}})
	}},
	"POST /api/v1/users/:id/grants": {act: actAccess, send: call("POST", "/api/v1/users/%d/grants", func(w *hWorld, u db.User) any {
		return map[string]any{"kind": "access", "account_id": w.sub, "days": 3}
	})},
	"PATCH /api/v1/users/:id/grants/access/:account_id": {act: actAccess, prepare: accessGrantFirst, send: func(w *hWorld, t *testing.T, x *hActor, u db.User) int {
		return w.json(t, x, "PATCH", fmt.Sprintf("/api/v1/users/%d/grants/access/%d", u.ID, w.sub), map[string]any{"days": 30})
	}},
	"DELETE /api/v1/users/:id/grants/access/:account_id": {act: actAccess, prepare: accessGrantFirst, send: func(w *hWorld, t *testing.T, x *hActor, u db.User) int {
		return w.json(t, x, "DELETE", fmt.Sprintf("/api/v1/users/%d/grants/access/%d", u.ID, w.sub), nil)
	}},
	"PATCH /api/v1/users/:id/grants/role": {act: actRole, prepare: roleGrantFirst, send: call("PATCH", "/api/v1/users/%d/grants/role", func(w *hWorld, u db.User) any {
		return map[string]any{"days": 30}
	})},
	"DELETE /api/v1/users/:id/grants/role": {act: actRole, prepare: roleGrantFirst, send: call("DELETE", "/api/v1/users/%d/grants/role", nil)},
	// R-GOV-4: an offboarding now, freeing everything (no successor).
	"POST /users/:id/offboard": {act: actOffboard, send: func(w *hWorld, t *testing.T, x *hActor, u db.User) int {
		return w.form(t, x, fmt.Sprintf("/users/%d/offboard", u.ID), url.Values{"confirmed": {"true"}})
	}},
	"POST /api/v1/users/:id/offboarding": {act: actOffboard, send: call("POST", "/api/v1/users/%d/offboarding", func(w *hWorld, u db.User) any {
		return map[string]any{}
	})},
}

// accessGrantFirst gives a fresh target access to the sub-account for two
// days, to be moved or ended (R-GOV-2).
func accessGrantFirst(w *hWorld, t *testing.T, u db.User) {
	if _, err := w.a.db.GiveGrant(context.Background(), w.owner, u.ID,
		db.GrantInput{Kind: db.GrantAccess, AccountID: w.sub, Days: 2}); err != nil {
		t.Fatal(err)
	}
}

// roleGrantFirst gives a fresh target, for two days, a twin of their role:
// the same permissions, so that the policy judges them as before.
func roleGrantFirst(w *hWorld, t *testing.T, u db.User) {
	ctx := context.Background()
	d, err := w.a.db.GetUserDetails(ctx, w.owner, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	r, err := w.a.db.GetRole(ctx, w.owner, d.RoleID)
	if err != nil {
		t.Fatal(err)
	}
	perms := r.Permissions
	if d.RoleID == w.admin {
		perms = db.AllPermissions()
	}
	w.n++
	twin, err := w.a.db.CreateRole(ctx, w.owner, db.RoleInput{Name: fmt.Sprintf("twin %d", w.n), Permissions: perms})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.a.db.GiveGrant(ctx, w.owner, u.ID, db.GrantInput{Kind: db.GrantRole, RoleID: twin.ID, Days: 2}); err != nil {
		t.Fatal(err)
	}
}

// bulkRoutes are the acts of the list's bulk form.
var bulkRoutes = map[string]hRoute{
	"bulk block":       {act: actBlock, send: bulk("block")},
	"bulk unblock":     {act: actUnblock, prepare: blockFirst, send: bulk("unblock")},
	"bulk delete":      {act: actDelete, send: bulk("delete")},
	"bulk change_role": {act: actRole, send: bulk("change_role")},
	"bulk add_group":   {act: actEditOrg, send: bulk("add_group")},
	// Not a bulk act: the role half of a grant that ends (R-GOV-2).
	"grant role (POST /users/:id/grants)": {act: actRole, send: func(w *hWorld, t *testing.T, x *hActor, u db.User) int {
		return w.form(t, x, fmt.Sprintf("/users/%d/grants", u.ID), url.Values{"kind": {"role"},
			"role_id": {fmt.Sprint(w.reader)}, "days": {"3"}})
	}},
}

// R-SEC-2: every actor on every target through every user-changing route;
// an allowed act changes the target, a refused one leaves it as it was
// and answers with a refusal.
func TestHierarchyMatrix(t *testing.T) {
	w := newHierarchy(t)
	routes := map[string]hRoute{}
	for _, r := range w.a.srv.Echo().Routes() {
		if strings.HasPrefix(r.Method, "echo_") || strings.HasSuffix(r.Path, "/*") ||
			r.Method == http.MethodGet || r.Method == http.MethodHead {
			continue
		}
		key := r.Method + " " + r.Path
		if _, ok := notUserRoutes[key]; ok {
			continue
		}
		hr, ok := userRoutes[key]
		if !ok {
			t.Errorf("%s is not in the hierarchy matrix: add it to userRoutes, or to notUserRoutes with why", key)
			continue
		}
		if hr.send != nil {
			routes[key] = hr
		}
	}
	for k, r := range bulkRoutes {
		routes[k] = r
	}
	keys := make([]string, 0, len(routes))
	for k := range routes {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	cells, allowedCells := 0, 0
	for _, key := range keys {
		r := routes[key]
		for _, x := range w.actors {
			if x.token == "" && strings.Contains(key, "/api/") {
				continue
			}
			for _, tg := range w.targets(t, x) {
				if r.prepare != nil && tg.fresh {
					r.prepare(w, t, tg.user)
				}
				before := w.snapshot(t, tg.user.ID)
				status := r.send(w, t, x, tg.user)
				after := w.snapshot(t, tg.user.ID)
				want := allowed(x, tg, r.act)
				cells++
				switch {
				case r.sessionOnly && want != (status == http.StatusSeeOther):
					t.Errorf("%s by %s on %s (%s): status %d, allowed %v", key, x.name, tg.name, r.act.name, status, want)
				case r.sessionOnly:
				case want && before == after && (tg.fresh || status >= 400):
					// A fixed target (the owner, oneself) may already be as
					// the act leaves it; it must not be refused, though.
					t.Errorf("%s by %s on %s (%s): allowed, but nothing changed (status %d)",
						key, x.name, tg.name, r.act.name, status)
				case !want && before != after:
					t.Errorf("%s by %s on %s (%s): refused by R-SEC-2, but the target changed (status %d):\n%s\n->\n%s",
						key, x.name, tg.name, r.act.name, status, before, after)
				case !want && !strings.HasPrefix(key, "bulk") && status < 400 &&
					!(tg.owner && r.act.name == actAccess.name): // the owner's access is fixed: a no-op (R-ACC-3)
					t.Errorf("%s by %s on %s (%s): status %d for a refusal", key, x.name, tg.name, r.act.name, status)
				}
				if want {
					allowedCells++
				}
			}
		}
	}
	if cells < 500 || allowedCells < 100 {
		t.Fatalf("only %d cells (%d allowed): the matrix lost its routes", cells, allowedCells)
	}
	t.Logf("%d cells, %d allowed", cells, allowedCells)
}

// R-SEC-2: creating a user never reaches an existing one: a new user (form,
// API or CSV row) that names the owner's or an Administrator's e-mail is
// refused and leaves them as they were, and nobody hands a new user a
// role stronger than their own.
func TestHierarchyCreateAndImport(t *testing.T) {
	w := newHierarchy(t)
	ctx := context.Background()
	help := w.actors[2]
	admin := w.user(t, "admin", w.admin)
	owner, _ := w.a.db.GetUserDetails(ctx, w.owner, w.owner.UserID)
	pos, _ := w.a.db.DefaultPositionID(ctx, w.owner)
	for _, victim := range []db.User{owner.User, admin} {
		before := w.snapshot(t, victim.ID)
		help.web.get("/users/new")
		r := help.web.post("/users", url.Values{"email": {strings.ToUpper(victim.Email)}, "full_name": {"Taken Over"},
			"password": {"N3w-secret!x"}, "password_confirm": {"N3w-secret!x"}, "role_id": {fmt.Sprint(w.staff)},
			"position_id": {fmt.Sprint(pos)}, "extension": {"3999"}})
		if r.Status < 400 {
			t.Errorf("form: a user with %s's e-mail was created: %d", victim.Email, r.Status)
		}
		if st, _ := w.a.api("POST", "/api/v1/users", help.token, map[string]any{"email": victim.Email, "full_name": "Taken Over",
			"password": "N3w-secret!x", "role_id": w.staff, "position_id": pos,
			"extension": "3998"}); st < 400 {
			t.Errorf("API: a user with %s's e-mail was created: %d", victim.Email, st)
		}
		helper := dbtest.Login(t, w.a.db, help.user.Email, dbtest.OwnerPassword)
		rows, err := db.ParseUsersCSV(strings.NewReader("email,full_name,role,position,extension\n" +
			victim.Email + ",Taken Over,Staff member,Employee,3997\n"))
		if err != nil {
			t.Fatal(err)
		}
		rep, err := w.a.db.ImportUsers(ctx, helper, rows, db.ImportOptions{})
		if err != nil || rep.Created != 0 || rep.Refused != 1 {
			t.Errorf("CSV: a row with %s's e-mail: %+v %v", victim.Email, rep, err)
		}
		if after := w.snapshot(t, victim.ID); after != before {
			t.Errorf("%s changed:\n%s\n->\n%s", victim.Email, before, after)
		}
	}
	// A stronger role for a new user: refused on the form's role field.
	r := help.web.post("/users", url.Values{"email": {"new-admin@example.pl"}, "full_name": {"New"},
		"password": {"N3w-secret!x"}, "password_confirm": {"N3w-secret!x"}, "role_id": {fmt.Sprint(w.admin)},
		"position_id": {fmt.Sprint(pos)}, "extension": {"3996"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "permissions you do not hold") {
		t.Errorf("helpdesk made an Administrator: %d", r.Status)
	}
}

// R-SEC-9: while an admin acts as a user, nothing lasting is made for that
// user: no API token, no password, no token revoked.
func TestImpersonationCreatesNothingLasting(t *testing.T) {
	w := newHierarchy(t)
	ctx := context.Background()
	imp := w.actors[5]
	victim := dbtest.Login(t, w.a.db, imp.user.Email, dbtest.OwnerPassword)
	if _, err := w.a.db.CreateAPIToken(ctx, victim, victim.Email, db.TokenInput{Name: "own"}); err != nil {
		t.Fatal(err)
	}
	imp.web.get("/profile")
	if r := imp.web.post("/profile/tokens", url.Values{"name": {"lasting"}}); strings.Contains(r.Body, "kadra_") {
		t.Error("an impersonator minted an API token for the user")
	}
	if r := imp.web.post("/profile/password", url.Values{"current_password": {dbtest.OwnerPassword},
		"new_password": {"N3w-secret!x"}, "new_password_confirm": {"N3w-secret!x"}}); r.Status != http.StatusForbidden {
		t.Errorf("password change while impersonating: %d", r.Status)
	}
	if r := imp.web.post("/profile/details", url.Values{"full_name": {"X"}, "email": {"mine@example.pl"},
		"current_password": {dbtest.OwnerPassword}}); r.Status != http.StatusForbidden {
		t.Errorf("e-mail change on the profile while impersonating: %d", r.Status)
	}
	// R-PROF-1: nor the user's language, zone or notification address
	// (which would mail a confirmation link as the user).
	if r := imp.web.post("/profile/details", url.Values{"full_name": {"X"}, "email": {imp.user.Email},
		"lang": {"en"}, "time_zone": {"Asia/Tokyo"}, "notify_email": {"elsewhere@example.pl"},
		"current_password": {dbtest.OwnerPassword}}); r.Status != http.StatusForbidden {
		t.Errorf("language, zone and notification address while impersonating: %d", r.Status)
	}
	if me, _ := w.a.db.Me(ctx, victim); me.Lang != "" || me.TimeZone != "" || me.NotifyEmail != "" {
		t.Errorf("the impersonator changed the user's profile: %+v", me)
	}
	if p, _ := w.a.db.PendingNotifyEmail(ctx, victim); p != "" {
		t.Errorf("a confirmation link was sent to %s as the user", p)
	}
	toks, _ := w.a.db.MyAPITokens(ctx, victim)
	if len(toks) != 1 || toks[0].Name != "own" {
		t.Fatalf("tokens now %+v", toks)
	}
	if r := imp.web.post("/profile/tokens/revoke", url.Values{"id": {toks[0].ID}}); r.Status != http.StatusForbidden {
		t.Errorf("token revoked while impersonating: %d", r.Status)
	}
	if toks, _ := w.a.db.MyAPITokens(ctx, victim); len(toks) != 1 {
		t.Error("the user's token was revoked by the impersonator")
	}
	// Nor a second factor set up, renewed or removed (R-MFA-1).
	if r := imp.web.get("/profile/2fa"); r.Status != http.StatusForbidden {
		t.Errorf("TOTP enrolment while impersonating: %d", r.Status)
	}
	for _, path := range []string{"/profile/2fa/confirm", "/profile/2fa/codes", "/profile/2fa/disable",
		"/profile/passkeys/delete"} {
		if r := imp.web.post(path, url.Values{"code": {"123456"}, "current_password": {dbtest.OwnerPassword}}); r.Status != http.StatusForbidden {
			t.Errorf("%s while impersonating: %d", path, r.Status)
		}
	}
	// Nor a passkey (R-MFA-2): not even its ceremony starts.
	for _, path := range []string{"/profile/passkeys/begin", "/profile/passkeys/finish"} {
		if r := imp.web.postJSON(path, map[string]any{"name": "Intruder's key"}); r.Status != http.StatusForbidden {
			t.Errorf("%s while impersonating: %d %s", path, r.Status, r.Body)
		}
	}
	if on, _ := w.a.db.HasSecondFactor(ctx, imp.user.ID); on {
		t.Error("the impersonator gave the user a second factor")
	}
	// Their own credentials on the admin path too (checkSelfCredentials).
	d, _ := w.a.db.GetUserDetails(ctx, w.owner, imp.user.ID)
	if st, body := w.a.api("PATCH", fmt.Sprintf("/api/v1/users/%d", imp.user.ID), w.actors[1].token,
		map[string]any{"full_name": "Renamed by a peer"}); st != http.StatusOK {
		t.Fatalf("control: a peer renames: %d %v", st, body)
	}
	imp.web.get(fmt.Sprintf("/users/%d/edit", imp.user.ID))
	if r := imp.web.post(fmt.Sprintf("/users/%d", imp.user.ID), url.Values{"email": {"mine@example.pl"}, "full_name": {d.FullName},
		"role_id": {fmt.Sprint(d.RoleID)}, "position_id": {fmt.Sprint(d.PositionID)}, "sip_account_id": {fmt.Sprint(d.SIPAccountID)}}); r.Status != http.StatusForbidden {
		t.Errorf("e-mail change of the user acted as: %d", r.Status)
	}
	if after, _ := w.a.db.GetUserDetails(ctx, w.owner, imp.user.ID); after.Email != d.Email {
		t.Errorf("e-mail changed to %s", after.Email)
	}
}

// R-SEC-2: renewing the SIP passwords left stale by a new SIP domain skips
// the phones of users stronger than the actor; the owner's is renewed by
// the owner.
func TestRegenerateStaleSkipsStronger(t *testing.T) {
	w := newHierarchy(t)
	ctx := context.Background()
	help := dbtest.Login(t, w.a.db, w.actors[2].user.Email, dbtest.OwnerPassword)
	cur, err := w.a.db.SIPSettings(ctx, w.owner)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.a.db.SetSIPSettings(ctx, w.owner, db.SIPSettingsInput{Domain: "sip.new.example.pl",
		ExtensionPattern: cur.ExtensionPattern}); err != nil {
		t.Fatal(err)
	}
	renewed, err := w.a.db.RegenerateStaleSIPSecrets(ctx, help)
	if err != nil {
		t.Fatal(err)
	}
	owner, _ := w.a.db.GetUserDetails(ctx, w.owner, w.owner.UserID)
	for _, s := range renewed {
		if s.UserID == w.owner.UserID || s.UserID == w.actors[1].user.ID {
			t.Errorf("helpdesk renewed the SIP password of %s", s.UserEmail)
		}
	}
	if len(renewed) == 0 {
		t.Fatal("helpdesk renewed nothing, not even the weaker users' phones")
	}
	mine, err := w.a.db.RegenerateStaleSIPSecrets(ctx, w.owner)
	if err != nil || !slices.ContainsFunc(mine, func(s db.SIPSecret) bool { return s.ID == owner.SIPAccountID }) {
		t.Errorf("the owner's own phone: %v %v", mine, err)
	}
}
