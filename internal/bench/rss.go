package bench

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
	hwmKB int64         // the last VmHWM read: the peak resident set so far
	cpu   time.Duration // the last user+system time read from /proc/PID/stat
}

// clockTick is the unit of /proc/PID/stat's times (USER_HZ, 100 on Linux).
const clockTick = 10 * time.Millisecond

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
		if cpu, ok := readCPU("/proc/" + name + "/stat"); ok && cpu > p.cpu {
			p.cpu = cpu
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

// readCPU returns user+system time from a /proc/PID/stat file.
func readCPU(path string) (time.Duration, bool) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	return parseStatCPU(raw)
}

// parseStatCPU reads utime and stime, the 14th and 15th fields; the command name (2nd field,
// in parentheses) may hold spaces, so fields count from its closing parenthesis.
func parseStatCPU(stat []byte) (time.Duration, bool) {
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(string(stat[i+1:]))
	// f[0] is the 3rd field (state): utime is f[11], stime f[12].
	if len(f) < 13 {
		return 0, false
	}
	u, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(u+st) * clockTick, true
}
