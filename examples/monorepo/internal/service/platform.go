package service

import (
	"runtime"
	"runtime/debug"
	"strings"
)

// levelVariables are the Go settings that select an architecture level; go build records
// the one it used in the binary's build info.
var levelVariables = []string{"GOAMD64", "GOARM", "GOARM64", "GO386", "GOMIPS", "GOMIPS64", "GOPPC64", "GORISCV64"}

func buildSetting(key string) string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, s := range info.Settings {
		if s.Key == key {
			return s.Value
		}
	}
	return ""
}

// Settings is "GOOS=linux GOARCH=arm GOARM=6": what the binary was built with.
func Settings() string {
	parts := []string{"GOOS=" + runtime.GOOS, "GOARCH=" + runtime.GOARCH}
	for _, key := range levelVariables {
		if v := buildSetting(key); v != "" {
			parts = append(parts, key+"="+v)
		}
	}
	return strings.Join(parts, " ")
}

// Platform is the OCI platform the binary was built for, normalized as containerd does:
// linux/arm/v6, linux/amd64/v3, linux/arm64.
func Platform() string {
	p := runtime.GOOS + "/" + runtime.GOARCH
	variant := ""
	switch runtime.GOARCH {
	case "arm":
		variant = "v" + strings.SplitN(buildSetting("GOARM"), ",", 2)[0]
		if variant == "v" {
			variant = "v7"
		}
	case "amd64":
		if v := buildSetting("GOAMD64"); v != "" && v != "v1" {
			variant = v
		}
	case "arm64":
		v := strings.SplitN(buildSetting("GOARM64"), ",", 2)[0]
		switch {
		case v == "" || v == "v8.0":
		case v == "v9.0":
			variant = "v9"
		default:
			variant = v
		}
	}
	if variant != "" {
		p += "/" + variant
	}
	return p
}
