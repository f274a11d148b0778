package handlers_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
)

// R-API-1: the OpenAPI document is the contract. Every API answer of the
// handler tests (through app.apiHeaders) is validated against it, and its
// schemas allow no member they do not name (additionalProperties: false),
// so an answer that grows, loses or retypes a field fails the suite.

var contract struct {
	once sync.Once
	v    validator.Validator
	err  error
}

// checkContract validates one answer of the API against the document the
// server serves; the document is the same for every test server.
func (a *app) checkContract(req *http.Request, res *http.Response, body []byte) {
	a.t.Helper()
	if strings.HasSuffix(req.URL.Path, "/openapi.json") || res.StatusCode == http.StatusNotFound && !strings.Contains(string(body), `"code"`) {
		return
	}
	contract.once.Do(func() {
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
		v, errs := validator.NewValidator(doc)
		if len(errs) > 0 {
			contract.err = fmt.Errorf("%v", errs)
			return
		}
		contract.v = v
	})
	if contract.err != nil {
		a.t.Fatalf("the OpenAPI document: %v", contract.err)
	}
	res.Body = io.NopCloser(bytes.NewReader(body))
	if ok, errs := contract.v.ValidateHttpResponse(req, res); !ok {
		for _, e := range errs {
			a.t.Errorf("%s %s -> %d breaks the OpenAPI document: %s %s", req.Method, req.URL.Path, res.StatusCode,
				e.Message, e.Reason)
			for _, se := range e.SchemaValidationErrors {
				a.t.Errorf("    %s: %s", se.FieldPath, se.Reason)
			}
		}
	}
}
