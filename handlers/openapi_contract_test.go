package handlers_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"
	liberrors "github.com/pb33f/libopenapi-validator/errors"
	"github.com/pb33f/libopenapi-validator/helpers"
	"github.com/pb33f/libopenapi-validator/schema_validation"
	"github.com/pb33f/libopenapi/datamodel/high/base"
)

// R-API-1: the OpenAPI document is the contract. Every API answer of the
// handler tests (through app.apiHeaders) is validated against it, and its
// schemas allow no member they do not name (additionalProperties: false),
// so an answer that grows, loses or retypes a field fails the suite.

var contract struct {
	once      sync.Once
	v         validator.Validator
	errSchema *base.Schema // the Error schema, for paths the document does not name
	err       error
	checked   atomic.Int64
}

// TestMain runs the package's tests and says how many API answers they
// validated against the document.
func TestMain(m *testing.M) {
	code := m.Run()
	if n := contract.checked.Load(); n > 0 && testing.Verbose() {
		fmt.Printf("openapi.json: validated %d API answers\n", n)
	}
	os.Exit(code)
}

// loadContract reads the document the server serves; it is the same for
// every test server.
func (a *app) loadContract() {
	r, err := http.Get(a.ts.URL + "/api/v1/openapi.json")
	if err != nil {
		contract.err = err
		return
	}
	defer r.Body.Close()
	spec, _ := io.ReadAll(r.Body)
	doc, err := libopenapi.NewDocument(spec)
	if err != nil {
		contract.err = err
		return
	}
	v, errs := validator.NewValidator(doc, config.WithFormatAssertions())
	if len(errs) > 0 {
		contract.err = fmt.Errorf("%v", errs)
		return
	}
	model, err := doc.BuildV3Model()
	if err != nil {
		contract.err = err
		return
	}
	contract.v = v
	contract.errSchema = model.Model.Components.Schemas.GetOrZero("Error").Schema()
}

// checkContract validates one answer of the API against the document,
// and the request too when the API took it (2xx): what the server accepts
// must be what the document allows.
func (a *app) checkContract(req *http.Request, sent []byte, res *http.Response, body []byte) {
	a.t.Helper()
	if strings.HasSuffix(req.URL.Path, "/openapi.json") || res.StatusCode == http.StatusNotFound && !strings.Contains(string(body), `"code"`) {
		return
	}
	contract.once.Do(a.loadContract)
	if contract.err != nil {
		a.t.Fatalf("the OpenAPI document: %v", contract.err)
	}
	contract.checked.Add(1)
	res.Body = io.NopCloser(bytes.NewReader(body))
	ok, errs := contract.v.ValidateHttpResponse(req, res)
	if !ok && res.StatusCode == http.StatusNotFound && unknownPath(errs) {
		// Any path the document does not name answers 404 with an Error.
		ok, errs = schema_validation.NewSchemaValidator(config.WithFormatAssertions()).ValidateSchemaBytes(contract.errSchema, body)
	}
	if res.StatusCode < 300 {
		req.Body = io.NopCloser(bytes.NewReader(sent))
		if reqOK, reqErrs := contract.v.ValidateHttpRequest(req); !reqOK {
			ok, errs = false, append(errs, reqErrs...)
		}
	}
	if !ok {
		for _, e := range errs {
			a.t.Errorf("%s %s -> %d breaks the OpenAPI document: %s %s", req.Method, req.URL.Path, res.StatusCode,
				e.Message, e.Reason)
			for _, se := range e.SchemaValidationErrors {
				a.t.Errorf("    %s: %s", se.FieldPath, se.Reason)
			}
		}
	}
}

func unknownPath(errs []*liberrors.ValidationError) bool {
	for _, e := range errs {
		if e.ValidationType == helpers.PathValidation && e.ValidationSubType == helpers.ValidationMissing {
			return true
		}
	}
	return false
}

// The check itself refuses an answer that grows, loses or retypes a
// member, sends null for a list or leaves an enum.
func TestContractRefusesDrift(t *testing.T) {
	a := newSetupApp(t)
	tok := a.token("owner@example.pl")
	_, _, me := a.apiHeaders("GET", "/api/v1/me", tok, nil, nil) // loads the contract, and passes it
	drifts := map[string]func(m map[string]any){
		"a new member":          func(m map[string]any) { m["nickname"] = "Bob" },
		"a new nested member":   func(m map[string]any) { m["account"].(map[string]any)["plan"] = "gold" },
		"a lost member":         func(m map[string]any) { delete(m, "email") },
		"a retyped member":      func(m map[string]any) { m["id"] = "1" },
		"a null list":           func(m map[string]any) { m["permissions"] = nil },
		"an unknown permission": func(m map[string]any) { m["permissions"] = []any{"users.fly"} },
		"an unknown status":     func(m map[string]any) { m["status"] = "away" },
		"a time that is not":    func(m map[string]any) { m["created_at"] = "yesterday" },
	}
	for name, drift := range drifts {
		var m map[string]any
		b, _ := json.Marshal(me)
		_ = json.Unmarshal(b, &m)
		drift(m)
		b, _ = json.Marshal(m)
		req, _ := http.NewRequest("GET", a.ts.URL+"/api/v1/me", nil)
		res := &http.Response{StatusCode: http.StatusOK, Request: req, Body: io.NopCloser(bytes.NewReader(b)),
			Header: http.Header{"Content-Type": {"application/json"}}}
		if ok, _ := contract.v.ValidateHttpResponse(req, res); ok {
			t.Errorf("%s passes the contract", name)
		}
	}
}

// The check refuses a request body the document does not allow, as the
// API's strict decoding does.
func TestContractRefusesUnknownRequestMembers(t *testing.T) {
	a := newSetupApp(t)
	tok := a.token("owner@example.pl")
	a.api("GET", "/api/v1/me", tok, nil) // loads the contract
	for path, body := range map[string]string{
		"/api/v1/roles":       `{"name": "Sales", "nickname": "x"}`,
		"/api/v1/users":       `{"email": "a@example.pl", "password_confirm": "x"}`,
		"/api/v1/numbers":     `{"sender": "Kadra"}`,
		"/api/v1/sms-senders": `{"sender": 7}`,
	} {
		req, _ := http.NewRequest("POST", a.ts.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tok)
		if ok, _ := contract.v.ValidateHttpRequest(req); ok {
			t.Errorf("POST %s %s passes the contract", path, body)
		}
	}
}
