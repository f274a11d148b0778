package db_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"kadra/db"
	"kadra/db/dbtest"
)

// usersCSV writes n invited users as a users file, each with a role, a
// position, a group, a new extension, a caller ID and an SMS sender.
func usersCSV(n int) string {
	var b strings.Builder
	b.WriteString("email,full_name,role,position,groups,extension,caller_id,sms_sender,send_invite\n")
	for i := range n {
		fmt.Fprintf(&b, "u%d@example.pl,User %d,Staff member,Consultant,Sales,%d,+48221234567,Kadra,true\n",
			i, i, 100000+i)
	}
	return b.String()
}

// BenchmarkImportUsers100k imports 100,000 invited users from CSV (the
// issue's budget: 5 s), parse and import timed apart. KADRA_IMPORT_ROWS
// and KADRA_IMPORT_BATCH change the rows and the rows per transaction.
// Run: go test ./db -run '^$' -bench ImportUsers100k -benchtime 1x
func BenchmarkImportUsers100k(b *testing.B) {
	n, batch := 100_000, 0
	if v, err := strconv.Atoi(os.Getenv("KADRA_IMPORT_ROWS")); err == nil {
		n = v
	}
	if v, err := strconv.Atoi(os.Getenv("KADRA_IMPORT_BATCH")); err == nil {
		batch = v
	}
	file := usersCSV(n)
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		d, owner := dbtest.Setup(b)
		dbtest.CSVNames(b, d, owner)
		b.StartTimer()
		start := time.Now()
		rows, err := db.ParseUsersCSV(strings.NewReader(file))
		if err != nil {
			b.Fatal(err)
		}
		parsed := time.Since(start)
		rep, err := d.ImportUsers(ctx, owner, rows, db.ImportOptions{BatchSize: batch})
		if err != nil || rep.Created != n {
			b.Fatalf("%d created, %v; %+v", rep.Created, err, rep.Rows[0])
		}
		b.ReportMetric(parsed.Seconds(), "parse-s")
		b.ReportMetric(rep.Duration.Seconds(), "import-s")
		b.ReportMetric(float64(n)/time.Since(start).Seconds(), "rows/s")
	}
}

// BenchmarkImportSeeded imports, as scripts/bench-users.sh with IMPORT=1
// does, KADRA_IMPORT_ROWS (default 100,000) rows into the seeded
// organisation of issue 15 (100,000 users, 2,000 groups 8 deep, 100,000
// memberships): KADRA_IMPORT_KIND "invited" (the default: invited, a
// position of 20, a group) or "plain" (inactive, one position, new
// extensions only). KADRA_IMPORT_BATCH changes the rows per transaction.
// Run: go test ./db -run '^$' -bench ImportSeeded -benchtime 1x -cpuprofile imp.prof
func BenchmarkImportSeeded(b *testing.B) {
	n, batch := 100_000, 0
	if v, err := strconv.Atoi(os.Getenv("KADRA_IMPORT_ROWS")); err == nil {
		n = v
	}
	if v, err := strconv.Atoi(os.Getenv("KADRA_IMPORT_BATCH")); err == nil {
		batch = v
	}
	var f strings.Builder
	if os.Getenv("KADRA_IMPORT_KIND") == "plain" {
		f.WriteString("email,full_name,role,position,extension\n")
		for i := 1; i <= n; i++ {
			fmt.Fprintf(&f, "plain%d@example.pl,Plain %d,Staff member,Synthetic position 1,%d\n", i, i, 800000+i)
		}
	} else {
		f.WriteString("email,full_name,role,position,groups,extension,send_invite\n")
		for i := 1; i <= n; i++ {
			fmt.Fprintf(&f, "inv%d@example.pl,Invited %d,Staff member,Synthetic position %d,Synthetic group 1,%d,true\n",
				i, i, i%20+1, 600000+i)
		}
	}
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		d, owner := dbtest.Setup(b)
		if err := d.SeedSynthetic(ctx, db.System(), db.SyntheticOrg{Users: 100000, Groups: 2000, Depth: 8,
			Positions: 20, Memberships: 100000, Seed: 1}); err != nil {
			b.Fatal(err)
		}
		rows, err := db.ParseUsersCSV(strings.NewReader(f.String()))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		rep, err := d.ImportUsers(ctx, owner, rows, db.ImportOptions{BatchSize: batch})
		if err != nil || rep.Created != n {
			b.Fatalf("%d created, %v; %+v", rep.Created, err, rep.Rows[0])
		}
		b.ReportMetric(float64(n)/rep.Duration.Seconds(), "rows/s")
	}
}
