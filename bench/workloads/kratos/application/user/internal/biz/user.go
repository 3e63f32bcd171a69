// Package biz holds the user service's domain rules. The benchmark edits benchEdit to model
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

// ErrNotFound is returned (as a kratos 404) when the user does not exist.
var ErrNotFound = kerrors.NotFound("USER_NOT_FOUND", "user not found")

// User is one user record.
type User struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Edit string `json:"edit"`
}

// UserRepo stores users.
type UserRepo interface {
	Save(ctx context.Context, v *User) (*User, error)
	Find(ctx context.Context, id int64) (*User, error)
	List(ctx context.Context) ([]*User, error)
}

// UserUsecase applies the rules around the repository.
type UserUsecase struct {
	repo UserRepo
	log  *log.Helper
}

// NewUserUsecase wires a usecase.
func NewUserUsecase(repo UserRepo, logger log.Logger) *UserUsecase {
	return &UserUsecase{repo: repo, log: log.NewHelper(logger)}
}

// Create validates and stores a new user.
func (uc *UserUsecase) Create(ctx context.Context, v *User) (*User, error) {
	if v == nil {
		return nil, kerrors.BadRequest("USER_INVALID", "empty user")
	}
	v.Edit = benchEdit
	uc.log.WithContext(ctx).Infof("create user %+v", v)
	return uc.repo.Save(ctx, v)
}

// Get returns one user.
func (uc *UserUsecase) Get(ctx context.Context, id int64) (*User, error) {
	v, err := uc.repo.Find(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return nil, ErrNotFound
	}
	return v, err
}

// List returns every user.
func (uc *UserUsecase) List(ctx context.Context) ([]*User, error) { return uc.repo.List(ctx) }
