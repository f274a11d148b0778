package db

import "slices"

// Permission is one key of the fixed catalogue (R-ROLE-1).
type Permission string

const (
	PermUsersView        Permission = "users.view"
	PermUsersManage      Permission = "users.manage"
	PermUsersBlock       Permission = "users.block"
	PermUsersDelete      Permission = "users.delete"
	PermUsersImpersonate Permission = "users.impersonate"
	PermGroupsManage     Permission = "groups.manage"
	PermSIPManage        Permission = "sip.manage"
	PermNumbersManage    Permission = "numbers.manage"
	PermAccountsManage   Permission = "accounts.manage"
	PermLicensesManage   Permission = "licenses.manage"
	PermAuditView        Permission = "audit.view"
	PermSettingsManage   Permission = "settings.manage"
)

// PermissionInfo documents one permission; the label and meaning are i18n
// IDs ("perm.<key>.label", "perm.<key>.help").
type PermissionInfo struct {
	Key   Permission
	Area  string // groups the form: users, organisation, telephony, admin
	Label string
	Help  string
}

// Catalogue is the documented, fixed list of permissions, in display order.
var Catalogue = func() []PermissionInfo {
	entries := []struct {
		p    Permission
		area string
	}{
		{PermUsersView, "users"}, {PermUsersManage, "users"}, {PermUsersBlock, "users"},
		{PermUsersDelete, "users"}, {PermUsersImpersonate, "users"},
		{PermGroupsManage, "organisation"}, {PermAccountsManage, "organisation"},
		{PermLicensesManage, "organisation"},
		{PermSIPManage, "telephony"}, {PermNumbersManage, "telephony"},
		{PermAuditView, "admin"}, {PermSettingsManage, "admin"},
	}
	out := make([]PermissionInfo, len(entries))
	for i, e := range entries {
		out[i] = PermissionInfo{Key: e.p, Area: e.area,
			Label: "perm." + string(e.p) + ".label", Help: "perm." + string(e.p) + ".help"}
	}
	return out
}()

// AllPermissions lists every key of the catalogue.
func AllPermissions() []Permission {
	out := make([]Permission, len(Catalogue))
	for i, p := range Catalogue {
		out[i] = p.Key
	}
	return out
}

// KnownPermission reports whether p is in the catalogue.
func KnownPermission(p Permission) bool {
	return slices.ContainsFunc(Catalogue, func(i PermissionInfo) bool { return i.Key == p })
}
