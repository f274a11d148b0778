package db

import (
	"context"
	"fmt"
	"path/filepath"
)

// BackupDownload is a snapshot made for the owner to download.
type BackupDownload struct {
	Path string // the file, inside the folder the caller gave
	Name string // the name to offer the browser
}

// DownloadBackup writes a consistent snapshot of the database into dir for
// the owner to download, and audits it in the same step: a copy of the
// file holds every password hash, SIP HA1 and the cookie key, so only the
// owner (or the operator) may take one (R-SEC-2). Returns EFORBIDDEN for
// anyone else.
func (d *DB) DownloadBackup(ctx context.Context, a Actor, dir string) (BackupDownload, error) {
	if err := requireOwnerOrSystem(a); err != nil {
		return BackupDownload{}, Errorf(EFORBIDDEN, "settings.backup.owner_only")
	}
	name := fmt.Sprintf("kadra-%s.db", d.now().UTC().Format("2006-01-02-150405"))
	out := BackupDownload{Path: filepath.Join(dir, name), Name: name}
	if err := d.Backup(ctx, out.Path); err != nil {
		return BackupDownload{}, err
	}
	return out, d.update(ctx, a, func(t *tx) ([]change, error) {
		return one(change{Action: "backup.download", TargetType: "database", TargetLabel: name}), nil
	})
}
