// Package conf holds the bootstrap configuration every service loads at start-up.
package conf

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/go-kratos/kratos/v2/config"
	"github.com/go-kratos/kratos/v2/config/env"
	"github.com/go-kratos/kratos/v2/config/file"
)

// Server describes the listeners of one service.
type Server struct {
	HTTP Listener `json:"http"`
	GRPC Listener `json:"grpc"`
}

// Listener is one network endpoint.
type Listener struct {
	Network string   `json:"network"`
	Addr    string   `json:"addr"`
	Timeout Duration `json:"timeout"`
}

// Duration reads "1s"-style strings from configuration files.
type Duration time.Duration

// UnmarshalJSON accepts a Go duration string or a number of nanoseconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var text string
	if err := json.Unmarshal(b, &text); err != nil {
		var n int64
		if err := json.Unmarshal(b, &n); err != nil {
			return fmt.Errorf("duration %s: want a string like \"1s\" or nanoseconds", b)
		}
		*d = Duration(n)
		return nil
	}
	v, err := time.ParseDuration(text)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// Data describes the backing stores (kept in memory by this benchmark workload).
type Data struct {
	Capacity int `json:"capacity"`
}

// Bootstrap is the root of a service's configuration file.
type Bootstrap struct {
	Server Server `json:"server"`
	Data   Data   `json:"data"`
}

// Defaults returns the configuration used when no file is given.
func Defaults() Bootstrap {
	return Bootstrap{
		Server: Server{
			HTTP: Listener{Network: "tcp", Addr: ":8080", Timeout: Duration(time.Second)},
			GRPC: Listener{Network: "tcp", Addr: ":9090", Timeout: Duration(time.Second)},
		},
		Data: Data{Capacity: 1024},
	}
}

// Load reads the YAML/JSON file at path (when not empty) and KRATOS_-prefixed environment
// variables over the defaults.
func Load(path string) (Bootstrap, func(), error) {
	sources := []config.Source{env.NewSource("KRATOS_")}
	if path != "" {
		sources = append([]config.Source{file.NewSource(path)}, sources...)
	}
	c := config.New(config.WithSource(sources...))
	bc := Defaults()
	if err := c.Load(); err != nil {
		return bc, func() {}, fmt.Errorf("load config %q: %w", path, err)
	}
	if err := c.Scan(&bc); err != nil {
		return bc, func() {}, fmt.Errorf("scan config %q: %w", path, err)
	}
	return bc, func() { _ = c.Close() }, nil
}
