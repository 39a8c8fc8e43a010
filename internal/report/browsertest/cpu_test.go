package browsertest

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/chromedp/chromedp"
)

// clockTicks is Linux's USER_HZ, the unit of utime and stime in
// /proc/PID/stat; it is 100 on every Linux architecture Go supports.
const clockTicks = 100

// chromiumCPU is the CPU time used so far by the browser and every process
// it started (renderers, GPU and utility processes). Wall time on a busy
// machine says more about the other processes than about the page; CPU
// time is what the page costs, about its wall time on an idle core. It
// returns 0 where /proc is not there.
func chromiumCPU(ctx context.Context) time.Duration {
	c := chromedp.FromContext(ctx)
	if c == nil || c.Browser == nil || c.Browser.Process() == nil {
		return 0
	}
	root := c.Browser.Process().Pid
	type proc struct{ ppid, ticks int }
	procs := map[int]proc{}
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, path := range stats {
		b, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		// The command name, in parentheses, may hold spaces: fields are
		// counted after its closing parenthesis.
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:])
		if len(f) < 13 {
			continue
		}
		pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(path)))
		ppid, _ := strconv.Atoi(f[1])
		ut, _ := strconv.Atoi(f[11])
		st, _ := strconv.Atoi(f[12])
		procs[pid] = proc{ppid, ut + st}
	}
	total := 0
	for pid, p := range procs {
		for q := pid; q > 1; q = procs[q].ppid {
			if q == root {
				total += p.ticks
				break
			}
			if _, ok := procs[q]; !ok {
				break
			}
		}
	}
	return time.Duration(total) * time.Second / clockTicks
}
