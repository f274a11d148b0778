package db

import "strings"

// Device is what a User-Agent header says about the client, in words a
// person recognises on the list of sessions (R-MFA-4): "Firefox", "Windows".
// Either is "" when the header does not say.
type Device struct {
	Browser string
	OS      string
}

// The order matters: Edge and Opera also say "Chrome", Chrome also says
// "Safari", and iOS browsers say "Safari" with their own token first.
var uaBrowsers = []struct{ token, name string }{
	{"Edg/", "Edge"}, {"EdgA/", "Edge"}, {"EdgiOS/", "Edge"},
	{"OPR/", "Opera"}, {"SamsungBrowser/", "Samsung Internet"},
	{"Firefox/", "Firefox"}, {"FxiOS/", "Firefox"},
	{"CriOS/", "Chrome"}, {"Chromium/", "Chromium"}, {"HeadlessChrome/", "Chrome"}, {"Chrome/", "Chrome"},
	{"Safari/", "Safari"},
	{"curl/", "curl"}, {"Go-http-client/", "Go"}, {"python-requests/", "Python"},
}

var uaSystems = []struct{ token, name string }{
	{"Windows", "Windows"}, {"iPhone", "iOS"}, {"iPad", "iPadOS"}, {"Android", "Android"},
	{"CrOS", "ChromeOS"}, {"Mac OS X", "macOS"}, {"Macintosh", "macOS"}, {"Linux", "Linux"},
}

// ParseUserAgent names the browser and system of a User-Agent header. It
// knows the common browsers only: a small table is enough to tell one's own
// sessions apart, and an unknown client is shown as its raw header.
func ParseUserAgent(ua string) Device {
	var d Device
	for _, b := range uaBrowsers {
		if strings.Contains(ua, b.token) {
			d.Browser = b.name
			break
		}
	}
	for _, s := range uaSystems {
		if strings.Contains(ua, s.token) {
			d.OS = s.name
			break
		}
	}
	return d
}
