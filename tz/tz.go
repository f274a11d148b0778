// Package tz names the time zones kadra shows times in (R-I18N-2): the
// installation's default and a bounded cache of loaded zones. The tz
// database is embedded by main (time/tzdata), so it works on machines
// without zoneinfo.
package tz

import (
	"strings"
	"sync"
	"time"
)

// Default is the installation's time zone until the owner picks another:
// kadra serves Polish offices first.
const Default = "Europe/Warsaw"

// loaded caches zones by name. Only names that loaded are kept, and those
// come from the fixed tz database, so it stays bounded (R-SEC-6).
var loaded sync.Map // name -> *time.Location

// Location returns the zone of an IANA name, or ok=false for an unknown
// one. "" is the default zone.
func Location(name string) (*time.Location, bool) {
	if name == "" {
		name = Default
	}
	if l, ok := loaded.Load(name); ok {
		return l.(*time.Location), true
	}
	// "Local" would be the server's zone, not a place a person names:
	// only "UTC" and Area/City names are taken.
	if name != "UTC" && !strings.Contains(name, "/") || len(name) > 64 {
		return nil, false
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return nil, false
	}
	loaded.Store(name, l)
	return l, true
}

// Or is the zone of name, else the default zone.
func Or(name string) *time.Location {
	if l, ok := Location(name); ok {
		return l
	}
	l, _ := Location(Default)
	return l
}

// Offered are the zones the forms offer, nearest first; any other IANA name
// is accepted too (and shown when chosen).
var Offered = []string{
	"Europe/Warsaw", "Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Berlin", "Europe/Prague",
	"Europe/Vienna", "Europe/Bratislava", "Europe/Budapest", "Europe/Paris", "Europe/Brussels",
	"Europe/Amsterdam", "Europe/Madrid", "Europe/Rome", "Europe/Copenhagen", "Europe/Stockholm",
	"Europe/Oslo", "Europe/Helsinki", "Europe/Vilnius", "Europe/Riga", "Europe/Tallinn", "Europe/Kyiv",
	"Europe/Bucharest", "Europe/Sofia", "Europe/Athens", "Europe/Istanbul", "Europe/Minsk",
	"America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Toronto",
	"America/Sao_Paulo", "Asia/Dubai", "Asia/Kolkata", "Asia/Shanghai", "Asia/Tokyo", "Australia/Sydney",
	"UTC",
}
