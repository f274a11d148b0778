package db

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// The database holds password hashes, HA1 digests and session ids, so its
// files are the owner's alone (R-SEC-7). SQLite gives the -wal and -shm
// files the database file's mode whatever the umask, so it is enough to
// create the database file 0600 before SQLite first opens it.

// ownerOnlyFile creates the database file at path with mode 0600 when it
// is missing, and takes away from it and from its -wal and -shm what a
// umask of 022 left to everybody else. Others lose all access. The group
// loses read access, unless it may also write: that is the deliberate
// sharing docs/sip.md sets up for a registrar running as another user
// (mode 0660), which tightening would break.
func ownerOnlyFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err == nil {
		return f.Close()
	}
	if !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("create %s: %w", path, err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		st, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		} else if err != nil {
			return err
		}
		mode := st.Mode().Perm()
		tight := mode &^ 0o007
		if mode&0o020 == 0 {
			tight &^= 0o070
		}
		if tight != mode {
			if err := os.Chmod(p, tight); err != nil {
				return fmt.Errorf("make %s readable by its owner only: %w", p, err)
			}
		}
	}
	return nil
}

// createOwnerOnly creates an empty file at path with mode 0600 for SQLite
// to write a copy into (VACUUM INTO accepts an empty file). Refusing an
// existing file here, with O_EXCL, leaves no moment in which another
// process could put one there.
func createOwnerOnly(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s already exists", path)
	} else if err != nil {
		return err
	}
	return f.Close()
}
