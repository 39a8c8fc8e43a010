// Package servertest runs the real storage servers of the object-store
// tests (SeaweedFS, fake-gcs-server, Azurite) as child processes: it finds
// the binary, picks loopback ports, keeps the server's log, waits until
// the server answers, and kills its whole process group when the test
// ends. The per-store packages (s3test, gcstest, aztest) add the store's
// own setup on top.
package servertest

import (
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Binary returns the server binary: $env, else name on PATH, else "".
func Binary(env, name string) string {
	if p := os.Getenv(env); p != "" {
		return p
	}
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	return ""
}

// FreePorts returns n loopback ports free at the time of asking.
func FreePorts(t testing.TB, n int) []int {
	t.Helper()
	var ls []net.Listener
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	for _, l := range ls {
		l.Close()
	}
	return ports
}

// Launch starts bin with args in dir, its output in dir/name.log, and
// polls ready until it returns nil, failing the test with the log's tail
// when within is over. The process group is killed when the test ends.
func Launch(t testing.TB, name, dir, bin string, args []string, within time.Duration, ready func() error) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	log, err := os.Create(filepath.Join(dir, name+".log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", bin, err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
		log.Close()
	})
	deadline := time.Now().Add(within)
	for {
		err := ready()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(log.Name())
			lines := strings.Split(string(b), "\n")
			t.Fatalf("%s did not answer within %s: %v\n%s", name, within, err, strings.Join(lines[max(0, len(lines)-30):], "\n"))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// Upload hands put every regular file of the local tree dir, keyed by
// prefix and its slash path; it returns how many it uploaded.
func Upload(t testing.TB, prefix, dir string, put func(key string, body []byte)) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		put(prefix+filepath.ToSlash(rel), b)
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
