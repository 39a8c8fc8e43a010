// Command pickledrive scans one pickle file with internal/pickle and prints
// the opcode count, the time taken and the rate (for bench/pickle_big.sh).
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/mlsec/mlsec/internal/pickle"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: pickledrive FILE")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer f.Close()
	start := time.Now()
	res := pickle.Scan(context.Background(), f, pickle.Options{})
	d := time.Since(start)
	fmt.Printf("opcodes=%d pickles=%d issues=%d incomplete=%v\n", res.Opcodes, res.Pickles, len(res.Issues), res.Incomplete)
	fmt.Printf("time=%s ns/opcode=%.1f opcodes/s=%.0f\n", d.Round(time.Millisecond),
		float64(d.Nanoseconds())/float64(res.Opcodes), float64(res.Opcodes)/d.Seconds())
	for i, is := range res.Issues {
		if i == 5 {
			break
		}
		fmt.Printf("  %s %s %s.%s @%d\n", is.Class, is.Severity, is.Module, is.Name, is.Offset)
	}
}
