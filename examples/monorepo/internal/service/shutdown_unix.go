//go:build !windows

package service

import (
	"net/http"
	"os"
	"os/signal"
	"syscall"
)

// stopOnSignal closes the server on SIGTERM (docker stop) and SIGINT.
func stopOnSignal(server *http.Server) {
	c := make(chan os.Signal, 1)
	signal.Notify(c, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-c
		server.Close()
	}()
}
