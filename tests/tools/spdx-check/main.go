// spdx-check reads an SPDX 2.x JSON document with the SPDX project's Go library
// (github.com/spdx/tools-golang) and prints one line per package, tab-separated:
//
//	name  version  purl  SHA256-checksum
//
// then "files N" and "relationships N". A document the library cannot read exits 1 with its
// error: the integration tests use it as an independent SPDX reader of multiarch's SBOMs.
package main

import (
	"fmt"
	"os"

	spdxjson "github.com/spdx/tools-golang/json"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: spdx-check FILE.spdx.json")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer f.Close()
	doc, err := spdxjson.Read(f)
	if err != nil {
		fmt.Fprintf(os.Stderr, "spdx-check: %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
	if doc.SPDXVersion != "SPDX-2.3" {
		fmt.Fprintf(os.Stderr, "spdx-check: %s: version %q\n", os.Args[1], doc.SPDXVersion)
		os.Exit(1)
	}
	fmt.Printf("document\t%s\t%s\t%s\n", doc.DocumentName, doc.DocumentNamespace, doc.CreationInfo.Created)
	for _, p := range doc.Packages {
		purl, sha := "", ""
		for _, ref := range p.PackageExternalReferences {
			if ref.RefType == "purl" {
				purl = ref.Locator
			}
		}
		for _, c := range p.PackageChecksums {
			if c.Algorithm == "SHA256" {
				sha = c.Value
			}
		}
		fmt.Printf("package\t%s\t%s\t%s\t%s\n", p.PackageName, p.PackageVersion, purl, sha)
	}
	for _, file := range doc.Files {
		sha := ""
		for _, c := range file.Checksums {
			if c.Algorithm == "SHA256" {
				sha = c.Value
			}
		}
		fmt.Printf("file\t%s\t%s\n", file.FileName, sha)
	}
	fmt.Printf("relationships\t%d\n", len(doc.Relationships))
}
