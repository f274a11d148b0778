package handlers

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"os"
	"sync"
	"time"

	"kadra/db"
)

// An import runs in the background, so that a file of 100,000 rows neither
// holds a request open nor hits the server's write timeout; its page polls
// for progress. The uploaded file waits for the confirm step in a temporary
// file (0600) named by a random token, which only the session that
// uploaded it may use; the job and its file go an hour after their last
// use, or when the same session uploads another file. Jobs live in memory:
// after a restart the admin uploads the file again (a dry run writes
// nothing, and an interrupted import kept every batch it committed).

// Job states.
const (
	jobChecking  = "checking"  // the dry run is running
	jobChecked   = "checked"   // the dry run's report is ready; waiting for confirmation
	jobImporting = "importing" // the import is running
	jobDone      = "done"      // the import's report is ready
	jobFailed    = "failed"    // stopped by an unexpected error (logged)
)

const (
	jobIdle    = time.Hour // a job is dropped after this long unused
	jobsMax    = 8         // jobs kept at once, all sessions together (each holds its report)
	jobTimeout = 30 * time.Minute
)

type importJob struct {
	Token    string
	FileName string
	Rows     int

	session   string // the session hash that uploaded the file
	accountID int64
	actor     db.Actor
	path      string // the uploaded file

	mu       sync.Mutex
	state    string
	done     int
	report   db.ImportReport
	lastUsed time.Time
}

// jobView is a consistent copy of a job's progress and report.
type jobView struct {
	State  string
	Done   int
	Total  int
	Report db.ImportReport
}

func (j *importJob) view() jobView {
	j.mu.Lock()
	defer j.mu.Unlock()
	return jobView{State: j.state, Done: j.done, Total: j.Rows, Report: j.report}
}

func (j *importJob) set(f func(j *importJob)) {
	j.mu.Lock()
	defer j.mu.Unlock()
	f(j)
}

// importJobs are the imports in progress or waiting, by token.
type importJobs struct {
	mu   sync.Mutex
	jobs map[string]*importJob
}

func newImportJobs() *importJobs { return &importJobs{jobs: map[string]*importJob{}} }

// add keeps a new job, dropping the session's previous one and any that
// went unused too long. It returns false when the session's previous job
// is still running, or when too many jobs are kept.
func (js *importJobs) add(j *importJob) bool {
	js.mu.Lock()
	defer js.mu.Unlock()
	js.sweepLocked()
	for tok, old := range js.jobs {
		if old.session != j.session {
			continue
		}
		if st := old.view().State; st == jobChecking || st == jobImporting {
			return false
		}
		os.Remove(old.path)
		delete(js.jobs, tok)
	}
	if len(js.jobs) >= jobsMax {
		return false
	}
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	j.Token, j.lastUsed = hex.EncodeToString(b), time.Now()
	js.jobs[j.Token] = j
	return true
}

// get returns the job of token if the actor's session uploaded it, in the
// account it acts in now.
func (js *importJobs) get(token string, a db.Actor) *importJob {
	js.mu.Lock()
	defer js.mu.Unlock()
	js.sweepLocked()
	j := js.jobs[token]
	if j == nil || j.session == "" || j.session != a.SessionHash || j.accountID != a.AccountID {
		return nil
	}
	j.set(func(j *importJob) { j.lastUsed = time.Now() })
	return j
}

// sweepLocked drops idle jobs that are not running, with their files.
func (js *importJobs) sweepLocked() {
	for tok, j := range js.jobs {
		j.mu.Lock()
		running, idle := j.state == jobChecking || j.state == jobImporting, time.Since(j.lastUsed)
		j.mu.Unlock()
		if !running && idle > jobIdle {
			os.Remove(j.path)
			delete(js.jobs, tok)
		}
	}
}

// run parses the job's file and imports it (or checks it, in a dry run)
// in the background, recording progress and the report in the job.
func (j *importJob) run(d *db.DB, log *slog.Logger, dryRun bool) {
	ctx, cancel := context.WithTimeout(context.Background(), jobTimeout)
	defer cancel()
	fail := func(err error) {
		log.Error("csv import", "err", err, "dry_run", dryRun)
		j.set(func(j *importJob) { j.state = jobFailed })
	}
	f, err := os.Open(j.path)
	if err != nil {
		fail(err)
		return
	}
	rows, err := db.ParseUsersCSV(f)
	f.Close()
	if err != nil {
		fail(err)
		return
	}
	rep, err := d.ImportUsers(ctx, j.actor, rows, db.ImportOptions{DryRun: dryRun,
		Progress: func(done, _ int) { j.set(func(j *importJob) { j.done = done }) }})
	if err != nil {
		fail(err)
		return
	}
	j.set(func(j *importJob) {
		j.report, j.done = rep, rep.Total
		if dryRun {
			j.state = jobChecked
		} else {
			j.state = jobDone
		}
	})
	if !dryRun {
		os.Remove(j.path) // imported: never again
	}
}
