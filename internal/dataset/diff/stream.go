package diff

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/mlsec/mlsec/internal/dataset/drift"
	"github.com/mlsec/mlsec/internal/dataset/table"
)

// openNoFollow opens a file for reading without following a symbolic
// link in its last element: a dataset path swapped for a link to
// /etc/shadow is refused, not read.
func openNoFollow(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW, 0)
	if err != nil {
		if errors.Is(err, syscall.ELOOP) {
			return nil, fmt.Errorf("%s: is a symbolic link; links are not followed", path)
		}
		return nil, err
	}
	return f, nil
}

const batchRows = 1024

type batch struct {
	vals  []string
	nums  []float64
	isNum []bool
	rows  []int64 // data row numbers
	lines []int64
	n     int
	left  atomic.Int32 // consumers yet to finish with it
}

// sink is one consumer of the rows: it sees every batch, in order, with
// the cells already parsed as numbers (text columns are not parsed):
// rows of width cells each, numbered rows and starting on lines.
type sink func(vals []string, nums []float64, isNum []bool, width int, rows, lines []int64)

// stream reads every row of s, projected onto the shared columns by idx,
// and hands each to every sink, in order. Parsing (CSV and numbers) runs
// on one goroutine and each sink on its own, a batch apart, so that a
// file's parse, its profiles and its row-level signals use both cores;
// memory is a few batches.
func stream(ctx context.Context, s *side, idx []int, text []bool, sinks ...sink) error {
	width := len(idx)
	const nbatch = 4
	free := make(chan *batch, nbatch)
	for range nbatch {
		free <- &batch{vals: make([]string, width*batchRows), nums: make([]float64, width*batchRows),
			isNum: make([]bool, width*batchRows), rows: make([]int64, batchRows), lines: make([]int64, batchRows)}
	}
	chans := make([]chan *batch, len(sinks))
	for i := range chans {
		chans[i] = make(chan *batch, nbatch)
	}
	var wg sync.WaitGroup
	for i, fn := range sinks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range chans[i] {
				m := b.n * width
				fn(b.vals[:m], b.nums[:m], b.isNum[:m], width, b.rows[:b.n], b.lines[:b.n])
				if b.left.Add(-1) == 0 {
					free <- b
				}
			}
		}()
	}
	send := func(b *batch) {
		b.left.Store(int32(len(sinks)))
		for _, c := range chans {
			c <- b
		}
	}
	err := func() (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("%s: internal error reading the file: %v", s.path, r)
			}
		}()
		for {
			b := <-free
			b.n = 0
			for b.n < batchRows {
				row, err := s.r.Next()
				if err != nil {
					if b.n > 0 {
						send(b)
					}
					if err == io.EOF {
						return nil
					}
					return fmt.Errorf("%s: %w", s.path, err)
				}
				base := b.n * width
				for i, j := range idx {
					v := ""
					if j < len(row.Values) {
						v = row.Values[j] // every reader returns fresh strings per row
					}
					b.vals[base+i] = v
					if text[i] {
						b.nums[base+i], b.isNum[base+i] = 0, false
					} else {
						b.nums[base+i], b.isNum[base+i] = drift.ParseNumber(v)
					}
				}
				b.rows[b.n], b.lines[b.n] = row.Num, row.Line
				b.n++
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			send(b)
		}
	}()
	for _, c := range chans {
		close(c)
	}
	wg.Wait()
	return err
}

// sniffText picks the free-text columns from the reference's first 1,000
// rows: non-numeric columns whose cells average three or more words.
// It also returns an estimate of the file's row count for a delimited
// file (its size over the sampled rows' average length), 0 otherwise.
func sniffText(path string, common []string, idx map[string]int, lim table.Limits, key, label int) ([]int, int, error) {
	s, err := open(path, lim)
	if err != nil {
		return nil, 0, err
	}
	var rowBytes int64
	defer s.f.Close()
	words := make([]int, len(common))
	numeric := make([]int, len(common))
	rows := 0
	for rows < 1000 {
		row, err := s.r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, 0, fmt.Errorf("%s: %w", path, err)
		}
		rows++
		for _, v := range row.Values {
			rowBytes += int64(len(v)) + 1
		}
		for i, c := range common {
			j := idx[c]
			if j >= len(row.Values) {
				continue
			}
			v := row.Values[j]
			words[i] += len(strings.Fields(v))
			if _, ok := parseNum(v); ok {
				numeric[i]++
			}
		}
	}
	var out []int
	for i := range common {
		if i == key || i == label || rows == 0 {
			continue
		}
		if numeric[i]*2 < rows && words[i] >= 3*rows {
			out = append(out, i)
		}
	}
	hint := 0
	if fm := table.FormatOf(path); (fm == table.CSV || fm == table.TSV) && rowBytes > 0 {
		if st, err := s.f.Stat(); err == nil {
			hint = int(float64(st.Size()) / (float64(rowBytes) / float64(rows)) * 1.05)
		}
	}
	return out, hint, nil
}

func parseNum(s string) (float64, bool) { return drift.ParseNumber(s) }
