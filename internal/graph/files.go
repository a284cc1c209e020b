package graph

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
)

// Size caps for file settings: far above any real value, far below what
// would hurt (a path to /dev/zero or a disk image must not fill memory).
const (
	MaxSecretFileSize      = 64 << 10 // client IDs, secrets, OIDC tokens
	MaxCertificateFileSize = 1 << 20  // a PKCS#12 bundle with a chain
)

// ReadSettingFile reads the file a setting names: regular files only (a FIFO,
// a device or a directory is refused before any read could block), at most
// limit bytes, and it gives up when ctx ends. Errors name the attribute.
func ReadSettingFile(ctx context.Context, attr, path string, limit int64) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", attr, err)
	}
	// O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", attr, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", attr, err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s must name a regular file; %s is %s", attr, path, fileKind(st.Mode()))
	}
	if st.Size() > limit {
		return nil, fmt.Errorf("%s: %s is %d bytes, more than the %d bytes allowed for this setting", attr, path, st.Size(), limit)
	}
	// The file may grow after Stat: read at most limit+1 bytes, in chunks, checking ctx.
	buf := make([]byte, 0, st.Size())
	chunk := make([]byte, 32<<10)
	for {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("reading %s: %w", attr, err)
		}
		n, err := f.Read(chunk)
		buf = append(buf, chunk[:n]...)
		if int64(len(buf)) > limit {
			return nil, fmt.Errorf("%s: %s is more than the %d bytes allowed for this setting", attr, path, limit)
		}
		if errors.Is(err, io.EOF) {
			return buf, nil
		}
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", attr, err)
		}
	}
}

func fileKind(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&os.ModeNamedPipe != 0:
		return "a named pipe (FIFO), which could block forever"
	case m&os.ModeCharDevice != 0, m&os.ModeDevice != 0:
		return "a device, which could be endless"
	case m&os.ModeSocket != 0:
		return "a socket"
	}
	return "not a regular file"
}
