// Package service exposes the user usecases over HTTP.
package service

import (
	"strconv"

	kerrors "github.com/go-kratos/kratos/v2/errors"
	"github.com/go-kratos/kratos/v2/transport/http"

	"example.com/kratosbench/application/user/internal/biz"
)

// UserService adapts HTTP requests to the usecase.
type UserService struct{ uc *biz.UserUsecase }

// NewUserService wires the service.
func NewUserService(uc *biz.UserUsecase) *UserService { return &UserService{uc: uc} }

// Register routes /v1/users on the HTTP server.
func (s *UserService) Register(srv *http.Server) {
	r := srv.Route("/v1")
	r.GET("/users", func(ctx http.Context) error {
		list, err := s.uc.List(ctx)
		if err != nil {
			return err
		}
		return ctx.Result(200, list)
	})
	r.GET("/users/{id}", func(ctx http.Context) error {
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
	r.POST("/users", func(ctx http.Context) error {
		var in biz.User
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
