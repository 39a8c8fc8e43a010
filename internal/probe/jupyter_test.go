package probe

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"testing"
	"time"
)

// TestRealJupyter probes a real Jupyter Notebook server (Debian's
// python3-notebook, which .ci/run installs) started on loopback, with and
// without a token. It skips when jupyter-notebook is not installed.
func TestRealJupyter(t *testing.T) {
	bin, err := exec.LookPath("jupyter-notebook")
	if err != nil {
		t.Skip("jupyter-notebook not installed (apt-get install python3-notebook)")
	}
	for _, c := range []struct {
		name   string
		token  string
		authOn bool
		rules  string
	}{
		{"no token", "", false, RuleRCEAPI + "@critical"},
		{"token", "6a1f0c9d2b7e4c58a3d1e0f9b8c7a6d5", true, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			port := freePort(t)
			dir := t.TempDir()
			cmd := exec.Command(bin, "--no-browser", "--ip=127.0.0.1", fmt.Sprintf("--port=%d", port),
				"--NotebookApp.token="+c.token, "--NotebookApp.password=", "--notebook-dir="+dir, "--allow-root")
			cmd.Env = append(os.Environ(), "JUPYTER_RUNTIME_DIR="+dir, "JUPYTER_CONFIG_DIR="+dir, "JUPYTER_DATA_DIR="+dir, "HOME="+dir)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = cmd.Process.Kill(); _, _ = cmd.Process.Wait() })
			url := fmt.Sprintf("http://127.0.0.1:%d", port)
			waitListening(t, port, 60*time.Second)
			r := Run(context.Background(), []string{url}, Options{Timeout: 10 * time.Second})[0]
			if r.Err != nil {
				t.Fatal(r.Err)
			}
			if r.Service != "Jupyter" || r.Version == "" || r.AuthOn != c.authOn || rulesOf(r) != c.rules {
				t.Errorf("got %q %q auth %v issues %q; want Jupyter auth %v issues %q", r.Service, r.Version, r.AuthOn, rulesOf(r), c.authOn, c.rules)
			}
		})
	}
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func waitListening(t *testing.T, port int, limit time.Duration) {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second)
		if err == nil {
			c.Close()
			time.Sleep(500 * time.Millisecond) // the server answers once its handlers are up
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("jupyter did not listen on %d within %s", port, limit)
}
