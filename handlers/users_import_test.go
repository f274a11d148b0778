package handlers_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"kadra/db"
	"kadra/db/dbtest"
)

// upload posts a file to the import form as a browser does: multipart, with
// the CSRF token of the last page.
func (c *client) upload(path, name, content string) response {
	c.a.t.Helper()
	if c.csrf == "" {
		c.get("/users/import")
	}
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("_csrf", c.csrf)
	fw, _ := w.CreateFormFile("file", name)
	_, _ = fw.Write([]byte(content))
	_ = w.Close()
	req, _ := http.NewRequest(http.MethodPost, c.a.ts.URL+path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return c.do(req)
}

// waitImport follows a job's page until its work is finished.
func (c *client) waitImport(jobURL string) response {
	c.a.t.Helper()
	for range 200 {
		r := c.get(jobURL)
		if !strings.Contains(r.Body, `id="progress"`) {
			return r
		}
		time.Sleep(50 * time.Millisecond)
	}
	c.a.t.Fatal("import still running")
	return response{}
}

var jobRe = regexp.MustCompile(`^/users/import/[0-9a-f]{32}$`)

const httpImportFile = "email;full_name;role;position;groups;extension;send_invite\r\n" +
	"ala@example.pl;Ala Kowalska;Staff member;Consultant;Foreign branches / France;1001;tak\r\n" +
	"bob@example.pl;Bob Nowak;Staff member;Manager;;1100;nie\r\n" +
	"cyd@example.pl;Cyd;Boss;Consultant;;1101;\r\n" +
	"ala@example.pl;Ala Again;Staff member;Consultant;;1102;\r\n"

// R-USER-13, R-SEC-1: upload → dry run report per line (nothing written)
// → confirm → the good rows exist, the bad ones do not.
func TestUsersImportFlow(t *testing.T) {
	a := newSetupApp(t)
	owner := ownerActor(t, a)
	dbtest.CSVNames(t, a.db, owner)
	c := a.ownerClient()

	r := c.get("/users/import")
	if r.Status != http.StatusOK || !strings.Contains(r.Body, `enctype="multipart/form-data"`) || !strings.Contains(r.Body, "<code>sms_sender</code>") {
		t.Fatalf("form: %d", r.Status)
	}
	r = c.upload("/users/import", "users.csv", httpImportFile)
	job := r.Header.Get("Location")
	if r.Status != http.StatusSeeOther || !jobRe.MatchString(job) {
		t.Fatalf("upload: %d %q\n%s", r.Status, job, r.Body)
	}
	r = c.waitImport(job)
	for _, want := range []string{"Check finished: nothing saved yet", "Would be created: 2. Refused: 2.",
		"<td>4</td>", "No role is named “Boss”.", "<td>5</td>", "This e-mail is already on line 2.",
		"Import the good rows (2)"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if _, ok := findUser(t, a, owner, "ala@example.pl"); ok {
		t.Fatal("the dry run saved a user")
	}
	r = c.get(job + "?show=all")
	if !strings.Contains(r.Body, "<td>2</td>") || !strings.Contains(r.Body, "would be created") {
		t.Fatal("all rows are not listed")
	}
	// Progress polled by htmx once the work is done: go to the report.
	req, _ := http.NewRequest(http.MethodGet, a.ts.URL+job+"/progress", nil)
	req.Header.Set("HX-Request", "true")
	if p := c.do(req); p.Header.Get("HX-Redirect") != job {
		t.Fatalf("progress: %d %v", p.Status, p.Header)
	}

	r = c.post(job+"/confirm", nil)
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != job {
		t.Fatalf("confirm: %d", r.Status)
	}
	r = c.waitImport(job)
	if !strings.Contains(r.Body, "Import finished") || !strings.Contains(r.Body, "Created: 2. Refused: 2.") {
		t.Fatalf("import report:\n%s", r.Body)
	}
	ala, ok := findUser(t, a, owner, "ala@example.pl")
	if !ok || ala.Status != db.StatusInvited || ala.Extension != "1001" {
		t.Fatalf("ala = %+v", ala)
	}
	if _, ok := findUser(t, a, owner, "cyd@example.pl"); ok {
		t.Fatal("a refused row was saved")
	}
	if r := c.post(job+"/confirm", nil); r.Status != http.StatusConflict {
		t.Fatalf("second confirm: %d", r.Status)
	}

	t.Run("OtherSession", func(t *testing.T) {
		other := a.ownerClient() // the same admin, another session
		if r := other.get(job); r.Status != http.StatusNotFound {
			t.Fatalf("another session sees the job: %d", r.Status)
		}
		if r := other.post(job+"/confirm", nil); r.Status != http.StatusNotFound {
			t.Fatalf("another session confirms: %d", r.Status)
		}
	})
}

func findUser(t *testing.T, a *app, owner db.Actor, email string) (db.UserRow, bool) {
	t.Helper()
	p, err := a.db.ListUsers(context.Background(), owner, db.UserFilter{Q: email})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range p.Items {
		if strings.EqualFold(u.Email, email) {
			return u, true
		}
	}
	return db.UserRow{}, false
}

// R-USER-13, R-SEC-1: a file that is not a users file comes back with a
// message naming the problem, never a 500; too large a body is refused.
func TestUsersImportRefusals(t *testing.T) {
	a := newSetupApp(t)
	c := a.ownerClient()
	cases := map[string]string{
		"email,full_name,role,position,extension,password\nx,y,z,w,v,p\n": `Unknown columns: &#34;password&#34;`,
		"email,full_name\nx,y\n": "Missing columns: role, position, extension.",
		"":                       "The file is empty.",
		"email,full_name,role,position,extension\n\"": "The file is not valid CSV",
		"\xff\xfe e\x00m\x00":                         "The file is not UTF-8 text.",
	}
	for content, want := range cases {
		r := c.upload("/users/import", "bad.csv", content)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, want) {
			t.Errorf("%q: %d, want %q", content, r.Status, want)
		}
	}
	t.Run("NoFile", func(t *testing.T) {
		r := c.post("/users/import", url.Values{})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Choose a CSV file.") {
			t.Fatalf("no file: %d", r.Status)
		}
	})
	t.Run("TooBig", func(t *testing.T) {
		big := "email,full_name,role,position,extension\n" + strings.Repeat("a,b,c,d,e\n", db.CSVMaxBytes/10+10)
		r := c.upload("/users/import", "big.csv", big)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "larger than 10 MB") {
			t.Fatalf("10 MB file: %d", r.Status)
		}
		r = c.upload("/users/import", "huge.csv", big+strings.Repeat("x", 2<<20))
		if r.Status != http.StatusBadRequest && r.Status != http.StatusRequestEntityTooLarge {
			t.Fatalf("12 MB body: %d", r.Status)
		}
		// Elsewhere the limit stays 2 MB.
		if r := c.post("/profile/password", url.Values{"x": {strings.Repeat("x", 3<<20)}}); r.Status == http.StatusOK || r.Status == http.StatusSeeOther {
			t.Fatalf("3 MB form elsewhere: %d", r.Status)
		}
	})
	t.Run("Forbidden", func(t *testing.T) {
		dbtest.AddUser(t, a.db, ownerActor(t, a), "staff@example.pl")
		s := a.client()
		s.login("staff@example.pl", dbtest.OwnerPassword)
		if r := s.get("/users/import"); r.Status != http.StatusForbidden {
			t.Fatalf("staff import form: %d", r.Status)
		}
		if r := s.upload("/users/import", "u.csv", httpImportFile); r.Status != http.StatusForbidden {
			t.Fatalf("staff upload: %d", r.Status)
		}
		if r := s.get("/users/export.csv"); r.Status != http.StatusForbidden {
			t.Fatalf("staff export: %d", r.Status)
		}
	})
	t.Run("UnknownJob", func(t *testing.T) {
		if r := c.get("/users/import/0123456789abcdef0123456789abcdef"); r.Status != http.StatusNotFound {
			t.Fatalf("unknown job: %d", r.Status)
		}
	})
}

// R-USER-13: the list's export link gives the filtered list, every page of
// it, as CSV; a bad filter gets an error page, not half a file.
func TestUsersExport(t *testing.T) {
	a := newSetupApp(t)
	owner := ownerActor(t, a)
	for _, e := range []string{"anna@example.pl", "bartek@example.pl", "celina@example.pl"} {
		dbtest.AddUser(t, a.db, owner, e)
	}
	c := a.ownerClient()
	if r := c.get("/users?q=example"); !strings.Contains(r.Body, `href="/users/export.csv?q=example"`) {
		t.Fatal("the list does not link its export")
	}
	r := c.get("/users/export.csv?q=example&per_page=1&page=2")
	if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(r.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("export: %d %v", r.Status, r.Header)
	}
	lines := strings.Split(strings.TrimSpace(r.Body), "\r\n")
	if len(lines) != 5 || !strings.HasPrefix(lines[0], "\ufeffemail,notify_email,full_name") || !strings.HasPrefix(lines[2], "anna@") {
		t.Fatalf("export body: %q", r.Body)
	}
	if r := c.get("/users/export.csv?sort=password"); r.Status != http.StatusBadRequest || strings.Contains(r.Header.Get("Content-Type"), "csv") {
		t.Fatalf("bad sort: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
}
