package main

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// sampleEvery is how often the sampler looks at /proc.
const sampleEvery = 10 * time.Millisecond

// procSample is what the sampler saw of one process running one of the watched binaries.
type procSample struct {
	pid   int
	exe   string
	hwmKB int64 // the last VmHWM read: the peak resident set so far
}

// sampler watches /proc for processes whose executable is one of the watched binaries and
// keeps their VmHWM. A pid seen not to match is looked at again only while it is young:
// between fork and exec a new process still shows its parent's executable.
type sampler struct {
	watch map[string]bool
	done  chan struct{}
	wg    sync.WaitGroup

	seen   map[int]*procSample // matching pids
	ignore map[int]time.Time   // other pids, with when they were first seen
}

// execGrace is how long a new process that does not match is looked at again.
const execGrace = 250 * time.Millisecond

func startSampler(binaries map[string]string) *sampler {
	s := &sampler{watch: map[string]bool{}, done: make(chan struct{}), seen: map[int]*procSample{}, ignore: map[int]time.Time{}}
	for _, b := range binaries {
		s.watch[b] = true
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(sampleEvery)
		defer t.Stop()
		for {
			s.sample()
			select {
			case <-s.done:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

// stop ends sampling and returns every matching process seen.
func (s *sampler) stop() []procSample {
	close(s.done)
	s.wg.Wait()
	s.sample()
	out := make([]procSample, 0, len(s.seen))
	for _, p := range s.seen {
		out = append(out, *p)
	}
	return out
}

func (s *sampler) sample() {
	d, err := os.Open("/proc")
	if err != nil {
		return
	}
	names, _ := d.Readdirnames(-1)
	_ = d.Close()
	now := time.Now()
	alive := make(map[int]bool, len(names))
	for _, name := range names {
		pid, err := strconv.Atoi(name)
		if err != nil {
			continue
		}
		alive[pid] = true
		first, ignored := s.ignore[pid]
		if ignored && now.Sub(first) > execGrace {
			continue
		}
		p := s.seen[pid]
		if p == nil {
			exe, err := os.Readlink("/proc/" + name + "/exe")
			if err != nil {
				// Gone, or a kernel thread; a process still starting up is looked at again.
				continue
			}
			if !s.watch[exe] {
				if !ignored {
					s.ignore[pid] = now
				}
				continue
			}
			delete(s.ignore, pid)
			p = &procSample{pid: pid, exe: exe}
			s.seen[pid] = p
		}
		if kb, ok := readVmHWM("/proc/" + name + "/status"); ok && kb > p.hwmKB {
			p.hwmKB = kb
		}
	}
	for pid := range s.ignore {
		if !alive[pid] {
			delete(s.ignore, pid)
		}
	}
}

// readVmHWM returns VmHWM in KiB from a /proc/PID/status file.
func readVmHWM(path string) (int64, bool) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	return parseVmHWM(raw)
}

func parseVmHWM(status []byte) (int64, bool) {
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) == 0 {
			return 0, false
		}
		kb, err := strconv.ParseInt(f[0], 10, 64)
		return kb, err == nil
	}
	return 0, false
}
