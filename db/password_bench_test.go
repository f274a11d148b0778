package db_test

import (
	"context"
	"testing"

	"kadra/db"
)

// BenchmarkHashDefault is the cost of one sign-in's argon2id (t=2, m=19 MiB).
func BenchmarkHashDefault(b *testing.B) {
	h := db.NewHasher(db.DefaultHashParams)
	ctx := context.Background()
	enc, _ := h.Hash(ctx, "Secret-pass1")
	b.ReportAllocs()
	for b.Loop() {
		if ok, _, _ := h.Verify(ctx, enc, "Secret-pass1"); !ok {
			b.Fatal("no match")
		}
	}
}
