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
