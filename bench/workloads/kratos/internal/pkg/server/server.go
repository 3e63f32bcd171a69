// Package server builds the HTTP and gRPC servers with the middleware chain every service
// shares. The benchmark edits benchEdit to model a change in a package all services import.
package server

import (
	"context"
	nethttp "net/http"
	"time"

	"github.com/go-kratos/kratos/v2/log"
	"github.com/go-kratos/kratos/v2/middleware"
	"github.com/go-kratos/kratos/v2/middleware/logging"
	"github.com/go-kratos/kratos/v2/middleware/metadata"
	"github.com/go-kratos/kratos/v2/middleware/recovery"
	"github.com/go-kratos/kratos/v2/middleware/tracing"
	"github.com/go-kratos/kratos/v2/transport/grpc"
	"github.com/go-kratos/kratos/v2/transport/http"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"example.com/kratosbench/internal/conf"
)

// benchEdit is rewritten by scripts/bench/run for the "shared package touched" scenario.
const benchEdit = "0"

// Version is reported by /version; set by main from its own Version variable.
var Version = "dev"

func chain(logger log.Logger) []middleware.Middleware {
	return []middleware.Middleware{
		recovery.Recovery(),
		tracing.Server(),
		metadata.Server(),
		logging.Server(logger),
	}
}

// NewHTTP returns an HTTP server with /healthz and /version already routed.
func NewHTTP(c conf.Listener, logger log.Logger) *http.Server {
	srv := http.NewServer(
		http.Network(c.Network),
		http.Address(c.Addr),
		http.Timeout(time.Duration(c.Timeout)),
		http.Middleware(chain(logger)...),
	)
	srv.HandleFunc("/healthz", func(w nethttp.ResponseWriter, _ *nethttp.Request) {
		_, _ = w.Write([]byte("ok\n"))
	})
	srv.HandleFunc("/version", func(w nethttp.ResponseWriter, _ *nethttp.Request) {
		_, _ = w.Write([]byte(Version + " edit=" + benchEdit + "\n"))
	})
	return srv
}

// NewGRPC returns a gRPC server exposing the standard health service. It registers its own
// health server: CustomHealth stops Kratos from registering a second one, which gRPC refuses
// at start ("duplicate service registration for grpc.health.v1.Health").
func NewGRPC(c conf.Listener, logger log.Logger) (*grpc.Server, *health.Server) {
	srv := grpc.NewServer(
		grpc.CustomHealth(),
		grpc.Network(c.Network),
		grpc.Address(c.Addr),
		grpc.Timeout(time.Duration(c.Timeout)),
		grpc.Middleware(chain(logger)...),
	)
	hs := health.NewServer()
	healthpb.RegisterHealthServer(srv, hs)
	return srv, hs
}

// Ready marks every registered service as serving.
func Ready(_ context.Context, hs *health.Server) {
	hs.SetServingStatus("", healthpb.HealthCheckResponse_SERVING)
}
