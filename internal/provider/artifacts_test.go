package provider

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// eachArtifact calls fn for every regular file under dir, relative name
// first; a saved plan (a zip) is opened and fn gets each of its entries as
// "<file>!<entry>" (zipped flag set) instead of its compressed bytes.
func eachArtifact(dir string, fn func(name string, data []byte, zipped bool)) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if !bytes.HasPrefix(data, []byte("PK\x03\x04")) {
			fn(rel, data, false)
			return nil
		}
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return fmt.Errorf("%s: %w", rel, err)
		}
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				return err
			}
			b, err := io.ReadAll(rc)
			_ = rc.Close()
			if err != nil {
				return err
			}
			fn(rel+"!"+f.Name, b, true)
		}
		return nil
	})
}
