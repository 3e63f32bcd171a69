package service

import (
	"net/http"
	"os"
	"os/signal"
)

// stopOnSignal closes the server on Ctrl-C (windows has no SIGTERM to wait for).
func stopOnSignal(server *http.Server) {
	c := make(chan os.Signal, 1)
	signal.Notify(c, os.Interrupt)
	go func() {
		<-c
		server.Close()
	}()
}
