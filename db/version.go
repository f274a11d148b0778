package db

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
)

// ETag is the version of a resource as the API shows it: a hash of its
// JSON form, so that any change of what a client read changes it. The API
// sends it as ETag and takes it back as If-Match, so that two admins
// cannot overwrite each other's changes silently (R-API-1).
func ETag(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return ETagOfJSON(b)
}

// ETagOfJSON is ETag of a value already encoded, as json.Marshal writes it.
func ETagOfJSON(b []byte) string {
	sum := sha256.Sum256(b)
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:16]) + `"`
}

// checkVersion refuses a write when the client's If-Match (ifMatch, "" for
// none) names another version than current's. Returns ESTALE.
func checkVersion(ifMatch string, current any) error {
	if ifMatch == "" || ifMatch == "*" || ifMatch == ETag(current) {
		return nil
	}
	return Errorf(ESTALE, "error.stale")
}
