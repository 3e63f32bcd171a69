// Package data implements the user repository in memory.
package data

import (
	"context"
	"sort"
	"sync"

	"example.com/kratosbench/application/user/internal/biz"
	"example.com/kratosbench/internal/conf"
)

type userRepo struct {
	mu    sync.RWMutex
	next  int64
	limit int
	rows  map[int64]*biz.User
}

// NewUserRepo returns an in-memory repository bounded by the configured capacity.
func NewUserRepo(c conf.Data) biz.UserRepo {
	return &userRepo{limit: c.Capacity, rows: map[int64]*biz.User{}}
}

func (r *userRepo) Save(_ context.Context, v *biz.User) (*biz.User, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.rows) >= r.limit {
		return nil, biz.ErrNotFound
	}
	r.next++
	v.ID = r.next
	r.rows[v.ID] = v
	return v, nil
}

func (r *userRepo) Find(_ context.Context, id int64) (*biz.User, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	v, ok := r.rows[id]
	if !ok {
		return nil, biz.ErrNotFound
	}
	return v, nil
}

func (r *userRepo) List(_ context.Context) ([]*biz.User, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]*biz.User, 0, len(r.rows))
	for _, v := range r.rows {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}
