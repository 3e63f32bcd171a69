// Command order is the order service of the Kratos-style benchmark workload.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"

	"github.com/go-kratos/kratos/v2"

	"example.com/kratosbench/application/order/internal/biz"
	"example.com/kratosbench/application/order/internal/data"
	"example.com/kratosbench/application/order/internal/service"
	"example.com/kratosbench/internal/conf"
	"example.com/kratosbench/internal/pkg/logging"
	"example.com/kratosbench/internal/pkg/observability"
	"example.com/kratosbench/internal/pkg/server"
)

// Version is set at link time with -X main.Version=...
var Version = "dev"

const name = "order"

func main() {
	configPath := flag.String("conf", "", "configuration file (YAML or JSON)")
	printPlatform := flag.Bool("print-platform", false, "print the platform this binary was built for and exit")
	flag.Parse()
	if *printPlatform {
		fmt.Printf("%s GOOS=%s GOARCH=%s %sversion=%s\n", name, runtime.GOOS, runtime.GOARCH, levelSetting(), Version)
		return
	}
	if err := run(*configPath); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		os.Exit(1)
	}
}

// levelSetting reports GOARM/GOAMD64/GOARM64 as recorded in the binary's build info.
func levelSetting() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "GOARM", "GOAMD64", "GOARM64":
			return s.Key + "=" + s.Value + " "
		}
	}
	return ""
}

func run(configPath string) error {
	bc, closeConfig, err := conf.Load(configPath)
	if err != nil {
		return err
	}
	defer closeConfig()
	logger := logging.New(name, Version)
	shutdown := observability.Setup(name, Version)
	defer func() { _ = shutdown(context.Background()) }()
	server.Version = Version

	uc := biz.NewOrderUsecase(data.NewOrderRepo(bc.Data), logger)
	httpSrv := server.NewHTTP(bc.Server.HTTP, logger)
	service.NewOrderService(uc).Register(httpSrv)
	grpcSrv, health := server.NewGRPC(bc.Server.GRPC, logger)
	server.Ready(context.Background(), health)

	app := kratos.New(
		kratos.Name(name),
		kratos.Version(Version),
		kratos.Logger(logger),
		kratos.Server(httpSrv, grpcSrv),
	)
	return app.Run()
}
