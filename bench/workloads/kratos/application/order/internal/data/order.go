// Package data implements the order repository in memory.
package data

import (
	"context"
	"sort"
	"sync"

	"example.com/kratosbench/application/order/internal/biz"
	"example.com/kratosbench/internal/conf"
)

type orderRepo struct {
	mu    sync.RWMutex
	next  int64
	limit int
	rows  map[int64]*biz.Order
}

// NewOrderRepo returns an in-memory repository bounded by the configured capacity.
func NewOrderRepo(c conf.Data) biz.OrderRepo {
	return &orderRepo{limit: c.Capacity, rows: map[int64]*biz.Order{}}
}

func (r *orderRepo) Save(_ context.Context, v *biz.Order) (*biz.Order, error) {
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

func (r *orderRepo) Find(_ context.Context, id int64) (*biz.Order, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	v, ok := r.rows[id]
	if !ok {
		return nil, biz.ErrNotFound
	}
	return v, nil
}

func (r *orderRepo) List(_ context.Context) ([]*biz.Order, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]*biz.Order, 0, len(r.rows))
	for _, v := range r.rows {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}
