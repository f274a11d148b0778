package handlers

import (
	"fmt"
	"strings"

	"github.com/elimity-com/scim"
	scimerr "github.com/elimity-com/scim/errors"
	"github.com/scim2/filter-parser/v2"
)

// applyPatch applies PATCH operations (RFC 7644 3.5.2), already parsed and
// checked against the schema by the library (which also reads "Replace"
// in any case), to a resource as SCIM shows it. Paths may name an
// attribute, a sub-attribute, an extension's attribute, or elements of a
// multi-valued attribute by a filter (emails[type eq "work"].value); an
// add or replace that matches no element adds one made from the filter's
// "eq" terms, as Entra ID expects.
func applyPatch(m map[string]any, ops []scim.PatchOperation) error {
	for _, op := range ops {
		if err := applyOp(m, op); err != nil {
			return err
		}
	}
	return nil
}

func applyOp(m map[string]any, op scim.PatchOperation) error {
	if op.Path == nil {
		vm, ok := op.Value.(map[string]any)
		if !ok || op.Op == scim.PatchOperationRemove {
			return scimerr.ScimErrorInvalidValue
		}
		for k, v := range vm {
			if strings.HasPrefix(strings.ToLower(k), "urn:") {
				if em, ok := v.(map[string]any); ok {
					ext, _ := getFold(m, k).(map[string]any)
					if ext == nil {
						ext = map[string]any{}
						m[k] = ext
					}
					for ek, ev := range em {
						setFold(ext, ek, ev)
					}
					continue
				}
			}
			if before, after, ok := strings.Cut(k, "."); ok { // "name.givenName" as a key
				sub, _ := getFold(m, before).(map[string]any)
				if sub == nil {
					sub = map[string]any{}
					setFold(m, before, sub)
				}
				setFold(sub, after, v)
				continue
			}
			if op.Op == scim.PatchOperationAdd {
				if list, ok := v.([]any); ok {
					old, _ := getFold(m, k).([]any)
					setFold(m, k, append(old, list...))
					continue
				}
			}
			setFold(m, k, v)
		}
		return nil
	}
	p := op.Path
	target := m
	if p.AttributePath.URIPrefix != nil {
		ext, _ := getFold(m, *p.AttributePath.URIPrefix).(map[string]any)
		if ext == nil {
			ext = map[string]any{}
			m[*p.AttributePath.URIPrefix] = ext
		}
		target = ext
	}
	name := p.AttributePath.AttributeName
	if p.ValueExpression != nil {
		list := listOf(getFold(target, name))
		var kept []any
		matched := false
		for _, el := range list {
			if !matches(el, p.ValueExpression) {
				kept = append(kept, el)
				continue
			}
			matched = true
			switch {
			case op.Op == scim.PatchOperationRemove && p.SubAttribute == nil:
				continue // the element goes
			case op.Op == scim.PatchOperationRemove:
				deleteFold(el, *p.SubAttribute)
			case p.SubAttribute != nil:
				setFold(el, *p.SubAttribute, op.Value)
			default:
				if vm, ok := op.Value.(map[string]any); ok {
					for k, v := range vm {
						setFold(el, k, v)
					}
				}
			}
			kept = append(kept, el)
		}
		if !matched && op.Op != scim.PatchOperationRemove {
			el := eqTerms(p.ValueExpression)
			if p.SubAttribute != nil {
				el[*p.SubAttribute] = op.Value
			} else if vm, ok := op.Value.(map[string]any); ok {
				for k, v := range vm {
					el[k] = v
				}
			}
			kept = append(kept, el)
		}
		if kept == nil {
			kept = []any{}
		}
		setFold(target, name, kept)
		return nil
	}
	if sub := p.AttributePath.SubAttribute; sub != nil {
		sm, _ := getFold(target, name).(map[string]any)
		if sm == nil {
			sm = map[string]any{}
			setFold(target, name, sm)
		}
		if op.Op == scim.PatchOperationRemove {
			deleteFold(sm, *sub)
		} else {
			setFold(sm, *sub, op.Value)
		}
		return nil
	}
	switch op.Op {
	case scim.PatchOperationRemove:
		if list, ok := op.Value.([]any); ok && len(list) > 0 {
			// Entra ID removes members by naming them in the value:
			// only those go.
			gone := map[string]bool{}
			for _, x := range list {
				if xm, ok := x.(map[string]any); ok {
					gone[fmt.Sprint(getFold(xm, "value"))] = true
				}
			}
			var kept []any
			for _, el := range listOf(getFold(target, name)) {
				if !gone[fmt.Sprint(getFold(el, "value"))] {
					kept = append(kept, el)
				}
			}
			if kept == nil {
				kept = []any{}
			}
			setFold(target, name, kept)
			return nil
		}
		deleteFold(target, name)
	case scim.PatchOperationAdd:
		if list, ok := op.Value.([]any); ok {
			old, _ := getFold(target, name).([]any)
			setFold(target, name, append(old, list...))
			return nil
		}
		setFold(target, name, op.Value)
	default:
		setFold(target, name, op.Value)
	}
	return nil
}

// matches evaluates a value filter on one element of a multi-valued
// attribute: eq, ne, co, sw, ew, pr, and, or, not.
func matches(el map[string]any, e filter.Expression) bool {
	switch x := e.(type) {
	case *filter.AttributeExpression:
		return matchAttr(el, *x)
	case *filter.LogicalExpression:
		if x.Operator == filter.AND {
			return matches(el, x.Left) && matches(el, x.Right)
		}
		return matches(el, x.Left) || matches(el, x.Right)
	case *filter.NotExpression:
		return !matches(el, x.Expression)
	}
	return false
}

func matchAttr(el map[string]any, x filter.AttributeExpression) bool {
	name := x.AttributePath.AttributeName
	if x.AttributePath.SubAttribute != nil {
		name = *x.AttributePath.SubAttribute
	}
	v := getFold(el, name)
	if x.Operator == filter.PR {
		return v != nil && v != ""
	}
	got, want := strings.ToLower(fmt.Sprint(v)), strings.ToLower(fmt.Sprint(x.CompareValue))
	switch x.Operator {
	case filter.EQ:
		return v != nil && got == want
	case filter.NE:
		return v == nil || got != want
	case filter.CO:
		return strings.Contains(got, want)
	case filter.SW:
		return strings.HasPrefix(got, want)
	case filter.EW:
		return strings.HasSuffix(got, want)
	}
	return false
}

// eqTerms is the element a filter's "eq" terms describe.
func eqTerms(e filter.Expression) map[string]any {
	out := map[string]any{}
	var walk func(e filter.Expression)
	walk = func(e filter.Expression) {
		switch x := e.(type) {
		case *filter.AttributeExpression:
			if x.Operator == filter.EQ {
				name := x.AttributePath.AttributeName
				if x.AttributePath.SubAttribute != nil {
					name = *x.AttributePath.SubAttribute
				}
				out[name] = x.CompareValue
			}
		case *filter.LogicalExpression:
			if x.Operator == filter.AND {
				walk(x.Left)
				walk(x.Right)
			}
		}
	}
	walk(e)
	return out
}

func setFold(m map[string]any, name string, v any) {
	for k := range m {
		if strings.EqualFold(k, name) {
			m[k] = v
			return
		}
	}
	m[name] = v
}

func deleteFold(m map[string]any, name string) {
	for k := range m {
		if strings.EqualFold(k, name) {
			delete(m, k)
		}
	}
}
