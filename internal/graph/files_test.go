package graph

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestReadSettingFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, make([]byte, MaxSecretFileSize+1), 0o600); err != nil {
		t.Fatal(err)
	}
	ok := filepath.Join(dir, "ok")
	if err := os.WriteFile(ok, []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, path, want string }{
		{"fifo", fifo, "named pipe"},
		{"device", "/dev/zero", "a device"},
		{"directory", dir, "a directory"},
		{"too big", big, "more than the 65536 bytes allowed"},
		{"missing", filepath.Join(dir, "nope"), "no such file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := ReadSettingFile(context.Background(), "client_secret_file_path", tc.path, MaxSecretFileSize)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "client_secret_file_path") {
				t.Fatalf("got %v, want an error naming client_secret_file_path and %q", err, tc.want)
			}
		})
	}
	b, err := ReadSettingFile(context.Background(), "client_secret_file_path", ok, MaxSecretFileSize)
	if err != nil || string(b) != "s3cret\n" {
		t.Fatalf("regular file: %q, %v", b, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ReadSettingFile(ctx, "client_secret_file_path", ok, MaxSecretFileSize); err == nil || !strings.Contains(err.Error(), "canceled") {
		t.Fatalf("canceled context: got %v", err)
	}
}
