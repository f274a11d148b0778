package db

// AuditObject is one kind of object in the audit log and the actions
// written about it, in the order the action filter lists them.
type AuditObject struct {
	Object  string // "user", "group", ...: also the message key of its name
	Types   []string
	Actions []string
}

// AuditCatalogue lists every action code the domain writes, grouped by the
// object it is about (R-AUDIT-2). Each code has a sentence and a name in
// every language (audit.did.CODE, audit.action.CODE); a test fails for a
// code written anywhere in db/ that is missing here.
func AuditCatalogue() []AuditObject {
	return []AuditObject{
		{Object: "user", Types: []string{"user"}, Actions: []string{
			"user.create", "user.update", "user.profile", "user.notify_email", "user.role", "user.position", "user.groups",
			"user.number", "user.sms", "user.licenses", "user.account_access",
			"user.grant_access", "user.grant_role", "user.grant_change", "user.grant_end", "user.grant_expire",
			"user.offboard_schedule", "user.offboard", "user.offboard_cancel",
			"user.block", "user.unblock", "user.delete", "user.import",
			"user.activation_mail", "user.activate", "user.reset_mail",
			"user.password_reset_request", "user.password_reset", "user.password_change",
			"user.password_reset_cli", "user.login", "user.login_oidc", "user.logout", "user.sign_out_everywhere",
			"user.session_end", "user.sessions_end_others", "user.sessions_end",
			"user.impersonate", "user.impersonate_end", "token.create", "token.revoke",
			"user.mfa_enable", "user.mfa_disable", "user.mfa_recovery_regenerate", "user.mfa_recovery_used",
			"user.mfa_reset_cli", "user.mfa_reset", "user.passkey_add", "user.passkey_remove",
			"user.dormant_block", "user.dormant_warn", "user.impersonate_expired"}},
		{Object: "group", Types: []string{"group"}, Actions: []string{"group.create", "group.update", "group.delete"}},
		// SCIM provisioning (issue 17).
		{Object: "directory", Types: []string{"scim_token"}, Actions: []string{"scim_token.create", "scim_token.revoke", "user.external_id", "group.external_id"}},
		{Object: "role", Types: []string{"role"}, Actions: []string{"role.create", "role.update", "role.delete"}},
		{Object: "sip", Types: []string{"sip_account"}, Actions: []string{
			"sip.create", "sip.assign", "sip.free", "sip.enable", "sip.disable", "sip.secret", "sip.delete",
			"sip.settings"}},
		{Object: "number", Types: []string{"phone_number", "sms_sender"}, Actions: []string{
			"number.create", "number.update", "number.delete", "sms.create", "sms.update", "sms.delete"}},
		{Object: "license", Types: []string{"license"}, Actions: []string{
			"license.create", "license.update", "license.delete", "license.assign", "license.unassign"}},
		{Object: "account", Types: []string{"account"}, Actions: []string{
			"account.create", "account.update", "account.delete", "account.access", "account.switch"}},
		{Object: "system", Types: []string{"settings", "database", "mail"}, Actions: []string{
			"setup", "settings.password_policy", "settings.billing_day", "settings.backup_schedule",
			"settings.mail", "settings.time_zone", "settings.mfa_admins", "settings.oidc", "mail.test", "backup.download", "backup.scheduled", "mail.retry", "seed.synthetic",
			"settings.dormancy", "settings.impersonation", "settings.access_review", "access_review.done"}},
	}
}

// AuditActions are the codes of AuditCatalogue, in its order.
func AuditActions() []string {
	var out []string
	for _, o := range AuditCatalogue() {
		out = append(out, o.Actions...)
	}
	return out
}
