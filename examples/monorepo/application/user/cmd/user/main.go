// Command user is the example user service of the monorepo.
package main

import "example.com/monorepo/internal/service"

// Version is set at build time: multiarch go-build passes -X main.Version=...
var Version = "dev"

func main() {
	service.Main("user", Version)
}
