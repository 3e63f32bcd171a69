// Package biz holds the order service's domain rules. The benchmark edits benchEdit to model
// a change in a leaf package only this service imports.
package biz

import (
	"context"
	"errors"

	kerrors "github.com/go-kratos/kratos/v2/errors"
	"github.com/go-kratos/kratos/v2/log"
)

// benchEdit is rewritten by scripts/bench/run for the "leaf package touched" scenario.
const benchEdit = "0"

// ErrNotFound is returned (as a kratos 404) when the order does not exist.
var ErrNotFound = kerrors.NotFound("ORDER_NOT_FOUND", "order not found")

// Order is one order record.
type Order struct {
	ID       int64  `json:"id"`
	Item     string `json:"item"`
	Quantity int    `json:"quantity"`
	Edit     string `json:"edit"`
}

// OrderRepo stores orders.
type OrderRepo interface {
	Save(ctx context.Context, v *Order) (*Order, error)
	Find(ctx context.Context, id int64) (*Order, error)
	List(ctx context.Context) ([]*Order, error)
}

// OrderUsecase applies the rules around the repository.
type OrderUsecase struct {
	repo OrderRepo
	log  *log.Helper
}

// NewOrderUsecase wires a usecase.
func NewOrderUsecase(repo OrderRepo, logger log.Logger) *OrderUsecase {
	return &OrderUsecase{repo: repo, log: log.NewHelper(logger)}
}

// Create validates and stores a new order.
func (uc *OrderUsecase) Create(ctx context.Context, v *Order) (*Order, error) {
	if v == nil {
		return nil, kerrors.BadRequest("ORDER_INVALID", "empty order")
	}
	v.Edit = benchEdit
	uc.log.WithContext(ctx).Infof("create order %+v", v)
	return uc.repo.Save(ctx, v)
}

// Get returns one order.
func (uc *OrderUsecase) Get(ctx context.Context, id int64) (*Order, error) {
	v, err := uc.repo.Find(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return nil, ErrNotFound
	}
	return v, err
}

// List returns every order.
func (uc *OrderUsecase) List(ctx context.Context) ([]*Order, error) { return uc.repo.List(ctx) }
