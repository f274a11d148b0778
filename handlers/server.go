// Package handlers is kadra's HTTP layer: the HTML pages, the JSON API and
// the operational endpoints. Handlers parse input, call one db function and
// render; the rules live in package db.
package handlers

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"kadra/db"
	"kadra/i18n"
	"kadra/replicate"
	"kadra/sso"
)

// Config wires a Server; main fills it from flags and the environment.
type Config struct {
	DB      *db.DB
	Logger  *slog.Logger
	BaseURL string // e.g. https://panel.example.pl; empty means http://localhost
	Version string
	// TrustedProxies are the reverse proxies whose X-Forwarded-For and
	// X-Forwarded-Proto are believed (R-SEC-4); empty means none: the
	// client is the direct peer.
	TrustedProxies []*net.IPNet
	// Replication is the running Litestream replication (R-OPS-1); nil
	// when kadra serves without --replicate-url.
	Replication *replicate.Replicator
}

// Server is kadra's HTTP application.
type Server struct {
	db         *db.DB
	log        *slog.Logger
	echo       *echo.Echo
	bundle     *i18n.Bundle
	pages      *pages
	static     *staticFiles
	store      *sessions.CookieStore
	secure     bool
	baseURL    string
	baseOrigin string // scheme://host of baseURL, for Origin checks
	version    string
	metrics    *httpMetrics
	setupToken atomic.Pointer[string] // nil once setup is done
	secrets    *onceSecrets           // SIP passwords between their POST and the page that shows them
	imports    *importJobs            // CSV imports between upload, check and import
	resets     *resetQueue            // forgot-password requests, done after their answer
	proxies    []*net.IPNet           // trusted reverse proxies (proxy.go)
	replica    *replicate.Replicator  // nil without --replicate-url
	sso        *sso.Client            // sign-in with an OpenID Connect provider (auth_oidc.go)
	fragments  *fragments             // blocks of pages rendered before (fragments.go)
}

// New builds the server, parsing every template once and failing fast on a
// broken one. When the database has no main account yet, it makes the
// one-time setup token (see SetupURL). ctx is the server's lifetime: the
// work it does after answering runs under it; Close finishes that work.
func New(ctx context.Context, cfg Config) (*Server, error) {
	s := &Server{db: cfg.DB, log: cfg.Logger, baseURL: strings.TrimRight(cfg.BaseURL, "/"),
		version: cfg.Version, secrets: newOnceSecrets(), imports: newImportJobs(),
		proxies: cfg.TrustedProxies, replica: cfg.Replication, sso: sso.NewClient(cfg.DB.Now)}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.baseURL == "" {
		s.baseURL = "http://localhost:8080"
	}
	if u, err := url.Parse(s.baseURL); err == nil {
		s.secure = u.Scheme == "https"
		s.baseOrigin = u.Scheme + "://" + u.Host
	}
	// Translations, static files and templates load side by side.
	var wg sync.WaitGroup
	var errBundle, errStatic, errPages error
	wg.Go(func() { s.bundle, errBundle = i18n.Load() })
	wg.Go(func() { s.static, errStatic = newStaticFiles() })
	wg.Go(func() { s.pages, errPages = parsePages() })
	wg.Wait()
	if err := errors.Join(errBundle, errStatic, errPages); err != nil {
		return nil, err
	}
	s.fragments = newFragments(s.pages)
	key, err := s.db.SessionKey(ctx)
	if err != nil {
		return nil, err
	}
	s.store = newCookieStore(key, s.secure)
	if need, err := s.db.NeedsSetup(ctx); err != nil {
		return nil, err
	} else if need {
		b := make([]byte, 24)
		if _, err := rand.Read(b); err != nil {
			return nil, err
		}
		tok := hex.EncodeToString(b)
		s.setupToken.Store(&tok)
	}
	s.metrics = newHTTPMetrics()
	s.echo = s.routes()
	s.resets = newResetQueue(ctx, s.db.SendPasswordReset, s.log)
	return s, nil
}

// Close finishes the work queued after answers (forgot-password requests)
// and stops taking more. Call it after the HTTP server has shut down and
// before the database closes.
func (s *Server) Close() { s.resets.close() }

// SetupURL is the one-time first-run address, or "" once setup is done.
func (s *Server) SetupURL() string {
	tok := s.setupToken.Load()
	if tok == nil {
		return ""
	}
	return s.baseURL + "/setup?token=" + *tok
}

// ServeHTTP makes the Server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.echo.ServeHTTP(w, r) }

// Echo exposes the router, for tests that list its routes.
func (s *Server) Echo() *echo.Echo { return s.echo }

// routes lists every route of kadra, top to bottom.
func (s *Server) routes() *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError
	s.clientAddress(e)
	s.middleware(e)

	// Operations; public by design (see README).
	e.GET("/healthz", s.healthz)
	e.GET("/metrics", s.metricsHandler())
	e.GET("/static/:hash/:name", s.staticFile)
	e.GET("/favicon.ico", s.favicon)
	e.POST("/lang", s.langSet)
	e.POST("/password/strength", s.passwordMeter)

	// First run and signing in.
	e.GET("/setup", s.setupForm)
	e.POST("/setup", s.setupSubmit)
	e.GET("/login", s.loginForm)
	e.POST("/login", s.loginSubmit)
	e.GET("/login/code", s.loginCodeForm)
	e.POST("/login/code", s.loginCodeSubmit)
	e.POST("/login/passkey/begin", s.loginPasskeyBegin)
	e.POST("/login/passkey/finish", s.loginPasskeyFinish)
	e.POST("/logout", s.logout, s.requireUser)
	e.GET("/forgot-password", s.forgotForm)
	e.POST("/forgot-password", s.forgotSubmit)
	e.GET("/forgot-password/sent", s.forgotSent)
	e.GET("/activate/:token", s.tokenForm("activation"))
	e.POST("/activate/:token", s.tokenSubmit("activation"))
	e.GET("/reset-password/:token", s.tokenForm("reset"))
	e.POST("/reset-password/:token", s.tokenSubmit("reset"))
	e.GET("/confirm-email/:token", s.notifyConfirmForm)
	e.POST("/confirm-email/:token", s.notifyConfirm)
	e.GET("/auth/oidc/start", s.oidcStart)
	e.GET(oidcCallbackPath, s.oidcCallback)

	// The panel.
	ui := e.Group("", s.requireUser, s.requireEnrolled)
	ui.GET("/", s.dashboard)
	ui.GET("/profile", s.profile)
	ui.GET("/profile/impersonations", s.profileImpersonationsPage)
	ui.POST("/profile/details", s.profileDetails)
	ui.POST("/profile/password", s.profilePassword)
	ui.POST("/profile/sign-out-everywhere", s.profileSignOutEverywhere)
	ui.POST("/profile/tokens", s.profileTokenCreate)
	ui.POST("/profile/tokens/revoke", s.profileTokenRevoke)
	ui.POST("/profile/sessions/end", s.profileSessionEnd)
	ui.POST("/profile/sessions/end-others", s.profileSessionsEndOthers)
	ui.GET("/tokens", s.tokensList)
	ui.POST("/tokens/revoke", s.tokensRevoke)
	ui.GET("/profile/2fa", s.profileMFA)
	ui.POST("/profile/2fa/confirm", s.profileMFAConfirm)
	ui.POST("/profile/2fa/codes", s.profileMFACodes)
	ui.POST("/profile/2fa/disable", s.profileMFADisable)
	ui.POST("/profile/passkeys/begin", s.profilePasskeyBegin)
	ui.POST("/profile/passkeys/finish", s.profilePasskeyFinish)
	ui.POST("/profile/passkeys/delete", s.profilePasskeyDelete)
	ui.GET("/audit", s.auditList)
	ui.GET("/audit/people", s.auditPeople)
	ui.GET("/audit/export.csv", s.auditExport)
	ui.GET("/settings", s.settingsShow)
	ui.POST("/settings/password-policy", s.settingsPasswordPolicy)
	ui.GET("/settings/backup", s.settingsBackup)
	ui.POST("/settings/backup-schedule", s.settingsBackupSchedule)
	ui.POST("/settings/mail", s.settingsMail)
	ui.POST("/settings/mail/test", s.settingsMailTest)
	ui.POST("/settings/time-zone", s.settingsTimeZone)
	ui.POST("/settings/mfa", s.settingsMFA)
	ui.POST("/settings/directory/oidc", s.settingsDirectoryOIDC)
	ui.POST("/settings/directory/oidc/check", s.settingsDirectoryOIDCCheck)
	ui.GET("/settings/governance", s.settingsGovernance)
	ui.GET("/access-review", s.accessReview)
	ui.GET("/access-review/export.csv", s.accessReviewExport)
	ui.GET("/access-review/reminder", s.accessReviewReminderFragment)
	ui.POST("/access-review/done", s.accessReviewDone)
	ui.POST("/access-review/reminder", s.accessReviewReminder)
	ui.POST("/settings/dormancy", s.settingsDormancy)
	ui.POST("/settings/dormancy/preview", s.settingsDormancyPreview)
	ui.POST("/settings/impersonation", s.settingsImpersonation)
	ui.GET("/settings/directory", s.directoryShow)
	ui.POST("/settings/directory/scim-tokens", s.directorySCIMCreate)
	ui.POST("/settings/directory/scim-tokens/revoke", s.directorySCIMRevoke)
	ui.GET("/users", s.usersList)
	ui.GET("/users/new", s.usersNew)
	ui.GET("/users/check", s.usersCheck)
	ui.GET("/users/import", s.usersImportForm)
	ui.POST(importRoute, s.usersImportUpload)
	ui.GET("/users/import/:token", s.usersImportShow)
	ui.GET("/users/import/:token/progress", s.usersImportProgress)
	ui.POST("/users/import/:token/confirm", s.usersImportConfirm)
	ui.GET("/users/export.csv", s.usersExport)
	ui.POST("/users", s.usersCreate)
	ui.GET("/users/:id", s.usersShow)
	ui.GET("/users/:id/edit", s.usersEdit)
	ui.GET("/users/:id/menu", s.usersMenu)
	ui.POST("/users/:id", s.usersUpdate)
	ui.POST("/users/bulk", s.usersBulk)
	ui.POST("/users/:id/block", s.userAction(s.usersBlock))
	ui.POST("/users/:id/unblock", s.userAction(s.usersUnblock))
	ui.POST("/users/:id/delete", s.userAction(s.usersDelete))
	ui.GET("/users/:id/impersonate", s.usersImpersonateNew)
	ui.POST("/users/:id/impersonate", s.usersImpersonate)
	ui.POST("/users/:id/reset-password", s.userAction(s.usersResetPassword))
	ui.POST("/users/:id/sessions/end", s.userAction(s.usersSessionsEnd))
	ui.POST("/users/:id/mfa/reset", s.userAction(s.usersMFAReset))
	ui.GET("/outbox", s.outboxList)
	ui.GET("/outbox/:id", s.outboxShow)
	ui.POST("/outbox/:id/retry", s.outboxRetry)
	ui.POST("/impersonation/stop", s.impersonationStop)
	ui.GET("/sip", s.sipList)
	ui.POST("/sip", s.sipCreate)
	ui.POST("/sip/settings", s.sipSettingsSave)
	ui.POST("/sip/regenerate-stale", s.sipRegenerateStale)
	ui.GET("/sip/:id/secret", s.sipSecretForm)
	ui.POST("/sip/:id/secret", s.sipSecretSet)
	ui.POST("/sip/:id/enable", s.sipSetEnabled(true))
	ui.POST("/sip/:id/disable", s.sipSetEnabled(false))
	ui.POST("/sip/:id/delete", s.sipDelete)
	for _, k := range numberTabs {
		ui.GET(k.Base, s.numbersList(k))
		ui.POST(k.Base, s.numbersCreate(k))
		ui.GET(k.Base+"/:id/edit", s.numbersEdit(k))
		ui.POST(k.Base+"/:id", s.numbersUpdate(k))
		ui.POST(k.Base+"/:id/delete", s.numbersDelete(k))
	}
	ui.GET("/roles", s.rolesList)
	ui.GET("/roles/new", s.rolesNew)
	ui.POST("/roles/new", s.rolesWizard)
	ui.GET("/roles/:id", s.rolesShow)
	ui.GET("/roles/:id/edit", s.rolesEdit)
	ui.POST("/roles/:id", s.rolesUpdate)
	ui.POST("/roles/:id/delete", s.rolesDelete)
	ui.GET("/groups", s.groupsTree)
	ui.POST("/groups", s.groupsCreate)
	ui.GET("/groups/pick", s.groupsPick)
	ui.GET("/groups/:id", s.groupsShow)
	ui.POST("/groups/:id", s.groupsUpdate)
	ui.POST("/groups/:id/delete", s.groupsDelete)
	ui.GET("/accounts", s.accountsList)
	ui.GET("/accounts/new", s.accountsNew)
	ui.POST("/accounts/new", s.accountsPrepare)
	ui.POST("/accounts", s.accountsCreate)
	ui.GET("/accounts/switch", s.accountsSwitchPage)
	ui.POST("/accounts/switch", s.accountsSwitch)
	ui.GET("/accounts/:id", s.accountsShow)
	ui.POST("/accounts/:id", s.accountsUpdate)
	ui.POST("/accounts/:id/access", s.accountsAccess)
	ui.POST("/accounts/:id/delete", s.accountsDelete)
	ui.GET("/users/:id/access", s.userAccessShow)
	ui.POST("/users/:id/access", s.userAccessSave)
	ui.GET("/users/:id/licenses", s.userLicensesShow)
	ui.POST("/users/:id/licenses", s.userLicensesSave)
	ui.GET("/licenses", s.licensesList)
	ui.POST("/licenses", s.licensesCreate)
	ui.GET("/licenses/:id", s.licensesShow)
	ui.POST("/licenses/:id", s.licensesUpdate)
	ui.POST("/licenses/:id/delete", s.licensesDelete)
	ui.GET("/licenses/:id/candidates", s.licensesCandidates)
	ui.POST("/licenses/:id/seats", s.licensesAssign)
	ui.POST("/licenses/:id/seats/:user_id/delete", s.licensesUnassign)
	ui.GET("/usage", s.usageShow)
	ui.GET("/usage.csv", s.usageCSV)
	ui.POST("/usage/billing-day", s.usageBillingDay)

	// The JSON API: bearer tokens only, never cookies.
	// SCIM 2.0 for identity providers, with its own token (scim.go).
	scimH := s.scimHandle()
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		e.Add(m, scimBase+"/*", scimH)
	}

	api := e.Group("/api/v1")
	api.GET("/openapi.json", s.apiOpenAPI)
	api.POST("/setup", s.apiSetup)
	authed := api.Group("", s.requireToken, s.apiVersions)
	authed.GET("/me", s.apiMe)
	authed.POST("/me/password", s.apiMePassword)
	authed.GET("/audit", s.apiAudit)
	authed.GET("/users", s.apiUsersList)
	authed.POST("/users", s.apiUsersCreate)
	authed.GET("/users/:id", s.apiUsersGet)
	authed.PATCH("/users/:id", s.apiUsersPatch)
	authed.DELETE("/users/:id", s.apiUsersDelete)
	authed.POST("/users/:id/block", s.apiUsersBlock)
	authed.POST("/users/:id/unblock", s.apiUsersUnblock)
	authed.POST("/users/:id/reset-password", s.apiUsersResetPassword)
	authed.GET("/users/:id/sessions", s.apiUserSessions)
	authed.DELETE("/users/:id/sessions", s.apiUserSessionsEnd)
	authed.POST("/users/:id/mfa/reset", s.apiUserMFAReset)
	authed.GET("/dormancy", s.apiDormancyGet)
	authed.PATCH("/dormancy", s.apiDormancyPatch)
	authed.POST("/dormancy/preview", s.apiDormancyPreview)
	authed.GET("/access-review", s.apiAccessReview)
	authed.GET("/access-review/state", s.apiAccessReviewState)
	authed.POST("/access-review/done", s.apiAccessReviewDone)
	authed.GET("/sip-accounts", s.apiSIPList)
	authed.POST("/sip-accounts", s.apiSIPCreate)
	authed.GET("/sip-accounts/:id", s.apiSIPGet)
	authed.PATCH("/sip-accounts/:id", s.apiSIPUpdate)
	authed.DELETE("/sip-accounts/:id", s.apiSIPDelete)
	authed.POST("/sip-accounts/:id/secret", s.apiSIPSecret)
	authed.GET("/sip-settings", s.apiSIPSettings)
	authed.PATCH("/sip-settings", s.apiSIPSettingsUpdate)
	authed.POST("/sip-settings/regenerate-stale", s.apiSIPRegenerateStale)
	for _, k := range numberTabs {
		authed.GET(k.API, s.apiNumbersList(k.PresentationKind))
		authed.POST(k.API, s.apiNumbersCreate(k.PresentationKind))
		authed.GET(k.API+"/:id", s.apiNumbersGet(k.PresentationKind))
		authed.PATCH(k.API+"/:id", s.apiNumbersUpdate(k.PresentationKind))
		authed.DELETE(k.API+"/:id", s.apiNumbersDelete(k.PresentationKind))
	}
	for _, k := range numberTabs {
		authed.PUT("/users/:id"+k.User, s.apiUserPresents(k.PresentationKind))
	}
	authed.GET("/roles", s.apiRolesList)
	authed.POST("/roles", s.apiRolesCreate)
	authed.GET("/roles/:id", s.apiRolesGet)
	authed.PATCH("/roles/:id", s.apiRolesUpdate)
	authed.DELETE("/roles/:id", s.apiRolesDelete)
	authed.GET("/roles/:id/users", s.apiRolesUsers)
	authed.GET("/groups", s.apiGroupsList)
	authed.POST("/groups", s.apiGroupsCreate)
	authed.GET("/groups/:id", s.apiGroupsGet)
	authed.PATCH("/groups/:id", s.apiGroupsUpdate)
	authed.DELETE("/groups/:id", s.apiGroupsDelete)
	authed.GET("/groups/:id/members", s.apiGroupsMembers)
	authed.PUT("/users/:id/groups", s.apiUserGroups)
	authed.PUT("/users/:id/role", s.apiUserRole)
	authed.PUT("/users/:id/position", s.apiUserPosition)
	authed.GET("/accounts", s.apiAccountsList)
	authed.POST("/accounts", s.apiAccountsCreate)
	authed.GET("/accounts/:id", s.apiAccountsGet)
	authed.PATCH("/accounts/:id", s.apiAccountsPatch)
	authed.DELETE("/accounts/:id", s.apiAccountsDelete)
	authed.GET("/accounts/:id/access", s.apiAccountsAccess)
	authed.PUT("/accounts/:id/access", s.apiAccountsAccessPut)
	authed.GET("/licenses", s.apiLicensesList)
	authed.POST("/licenses", s.apiLicensesCreate)
	authed.GET("/licenses/:id", s.apiLicensesGet)
	authed.PATCH("/licenses/:id", s.apiLicensesPatch)
	authed.DELETE("/licenses/:id", s.apiLicensesDelete)
	authed.POST("/licenses/:id/seats", s.apiLicensesAssign)
	authed.DELETE("/licenses/:id/seats", s.apiLicensesUnassign)
	authed.GET("/usage", s.apiUsage)
	s.grantRoutes(ui, authed)       // R-GOV-2
	s.offboardingRoutes(ui, authed) // R-GOV-4
	api.Any("/*", s.apiNotFound)
	return e
}
