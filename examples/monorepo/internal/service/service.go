// Package service is shared by every service of the monorepo: flags, HTTP endpoints and the
// platform report the tests use.
package service

import (
	_ "embed"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"path/filepath"
)

//go:embed assets/banner.txt
var banner string

// Main runs the service called name; it returns only on error or a shutdown signal.
func Main(name, version string) {
	addr := flag.String("addr", ":8080", "HTTP listen address")
	printPlatform := flag.Bool("print-platform", false, "print the platform this binary was built for and exit")
	conf := flag.String("conf", "", "config folder: DIR/config.yaml is read at start (and served on /config)")
	flag.Parse()

	if *printPlatform {
		fmt.Printf("%s %s platform=%s version=%s\n", name, Settings(), Platform(), version)
		return
	}

	// Like a kratos service: a -conf folder that is not there stops the service at start.
	var config []byte
	if *conf != "" {
		path := filepath.Join(*conf, "config.yaml")
		data, err := os.ReadFile(path)
		if err != nil {
			log.Fatalf("%s: config: %v", name, err)
		}
		config = data
		log.Printf("%s: config %s: %s", name, path, data)
	}

	mux := http.NewServeMux()
	mux.HandleFunc("/config", func(w http.ResponseWriter, _ *http.Request) {
		w.Write(config)
	})
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("/version", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintf(w, "%s %s platform=%s\n", name, version, Platform())
	})
	server := &http.Server{Addr: *addr, Handler: mux}
	stopOnSignal(server)
	log.Printf("%s %s (%s) listening on %s\n%s", name, version, Platform(), *addr, banner)
	if err := server.ListenAndServe(); err != nil && err != http.ErrServerClosed {
		log.Print(err)
		os.Exit(1)
	}
}
