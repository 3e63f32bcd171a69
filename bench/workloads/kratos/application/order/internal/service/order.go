// Package service exposes the order usecases over HTTP.
package service

import (
	"strconv"

	kerrors "github.com/go-kratos/kratos/v2/errors"
	"github.com/go-kratos/kratos/v2/transport/http"

	"example.com/kratosbench/application/order/internal/biz"
)

// OrderService adapts HTTP requests to the usecase.
type OrderService struct{ uc *biz.OrderUsecase }

// NewOrderService wires the service.
func NewOrderService(uc *biz.OrderUsecase) *OrderService { return &OrderService{uc: uc} }

// Register routes /v1/orders on the HTTP server.
func (s *OrderService) Register(srv *http.Server) {
	r := srv.Route("/v1")
	r.GET("/orders", func(ctx http.Context) error {
		list, err := s.uc.List(ctx)
		if err != nil {
			return err
		}
		return ctx.Result(200, list)
	})
	r.GET("/orders/{id}", func(ctx http.Context) error {
		id, err := strconv.ParseInt(ctx.Vars().Get("id"), 10, 64)
		if err != nil {
			return kerrors.BadRequest("BAD_ID", err.Error())
		}
		v, err := s.uc.Get(ctx, id)
		if err != nil {
			return err
		}
		return ctx.Result(200, v)
	})
	r.POST("/orders", func(ctx http.Context) error {
		var in biz.Order
		if err := ctx.Bind(&in); err != nil {
			return err
		}
		v, err := s.uc.Create(ctx, &in)
		if err != nil {
			return err
		}
		return ctx.Result(200, v)
	})
}
