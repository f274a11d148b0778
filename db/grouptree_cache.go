package db

import (
	"context"
	"sync"
)

// groupTrees keeps each account's group tree as read at an audit mark. Every
// change to groups (or accounts, which make and remove trees) writes an
// audit row about a group or an account in its transaction (R-AUDIT-1), so
// a tree is current exactly while the newest such row is the one it was
// read at (TreeHighWater); any later change makes the next call read it
// again. This spares the user list and form re-reading thousands of groups
// on every request, and sign-ins and user changes leave the trees be.
type groupTrees struct {
	mu        sync.Mutex
	byAccount map[treeKey]markedTree // by account and language (built-in names, R-I18N-1)
	reads     int                    // trees read from the database, for tests
}

type treeKey struct {
	account int64
	lang    string
}

type markedTree struct {
	mark int64
	tree []Group
}

// cachedGroupTree returns the account's tree, read again only when the
// mark moved. The slice is shared by every caller: read it, never change it
// (GroupOptions hands out a copy; the pickers only read).
func (d *DB) cachedGroupTree(ctx context.Context, accountID int64, lang string) ([]Group, error) {
	mark, err := d.rq.TreeHighWater(ctx)
	if err != nil {
		return nil, err
	}
	c := &d.trees
	c.mu.Lock()
	if t, ok := c.byAccount[treeKey{accountID, lang}]; ok && t.mark == mark {
		c.mu.Unlock()
		return t.tree, nil
	}
	c.mu.Unlock()
	tree, err := d.groupTree(ctx, d.rq, accountID, lang)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.reads++
	if c.byAccount == nil {
		c.byAccount = map[treeKey]markedTree{}
	}
	c.byAccount[treeKey{accountID, lang}] = markedTree{mark: mark, tree: tree}
	c.mu.Unlock()
	return tree, nil
}
