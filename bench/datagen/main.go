// Command datagen writes the inputs of the data benchmarks:
//
//	datagen tree -dir D -files 10000 -bytes 5e9   # a dataset tree for `data lock`
//	datagen csv -o F -rows 1000000 -cols 20 -seed 1 [-poison]   # a table for `data diff`
//
// Content is pseudo-random from a fixed seed (not compressible, so no
// file system can shortcut it); nothing is written inside the repository.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: datagen tree|csv [flags]")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "tree":
		tree(os.Args[2:])
	case "csv":
		table(os.Args[2:])
	default:
		fmt.Fprintln(os.Stderr, "usage: datagen tree|csv [flags]")
		os.Exit(2)
	}
}

func tree(args []string) {
	fs := flag.NewFlagSet("tree", flag.ExitOnError)
	dir := fs.String("dir", "", "output directory")
	files := fs.Int("files", 10000, "number of files")
	total := fs.Float64("bytes", 5e9, "total bytes")
	fs.Parse(args)
	if *dir == "" {
		fmt.Fprintln(os.Stderr, "-dir is required")
		os.Exit(2)
	}
	r := rand.New(rand.NewPCG(7, 7))
	// Sizes vary from a tenth to twice the mean, like shards and images.
	sizes := make([]int64, *files)
	var sum float64
	for i := range sizes {
		w := 0.1 + 1.9*r.Float64()
		sizes[i] = int64(w * 1e6)
		sum += float64(sizes[i])
	}
	scale := *total / sum
	src := rand.NewChaCha8([32]byte{1, 2, 3})
	buf := make([]byte, 1<<20)
	for i, s := range sizes {
		n := int64(float64(s) * scale)
		p := filepath.Join(*dir, fmt.Sprintf("shard-%02d", i%100), fmt.Sprintf("part-%05d.bin", i))
		must(os.MkdirAll(filepath.Dir(p), 0o755))
		f, err := os.Create(p)
		must(err)
		for n > 0 {
			k := min(n, int64(len(buf)))
			src.Read(buf[:k])
			_, err := f.Write(buf[:k])
			must(err)
			n -= k
		}
		must(f.Close())
	}
}

func table(args []string) {
	fs := flag.NewFlagSet("csv", flag.ExitOnError)
	out := fs.String("o", "", "output file")
	rows := fs.Int("rows", 1_000_000, "rows")
	cols := fs.Int("cols", 20, "columns (id, label and a text column included)")
	seed := fs.Uint64("seed", 1, "seed")
	poison := fs.Bool("poison", false, "flip 1% of labels and add a trigger phrase to 1% of rows")
	fs.Parse(args)
	f, err := os.Create(*out)
	must(err)
	w := bufio.NewWriterSize(f, 1<<20)
	r := rand.New(rand.NewPCG(*seed, 99))
	lab := rand.New(rand.NewPCG(5, 5)) // labels and text shared by both versions
	w.WriteString("id")
	for c := 1; c < *cols-2; c++ {
		fmt.Fprintf(w, ",f%02d", c)
	}
	w.WriteString(",text,label\n")
	words := []string{"good", "bad", "fast", "slow", "cheap", "great", "poor", "works", "broken", "love"}
	cats := []string{"a", "b", "c", "d", "e", "f", "g", "h"}
	var line []byte
	for i := range *rows {
		line = strconv.AppendInt(line[:0], int64(i+1), 10)
		for c := 1; c < *cols-2; c++ {
			line = append(line, ',')
			switch c % 3 {
			case 0:
				line = append(line, cats[r.IntN(len(cats))]...)
			case 1:
				line = strconv.AppendFloat(line, math.Round(r.NormFloat64()*1000)/100, 'f', -1, 64)
			default:
				line = strconv.AppendInt(line, int64(r.IntN(100)), 10)
			}
		}
		line = append(line, ',')
		for k := range 4 {
			if k > 0 {
				line = append(line, ' ')
			}
			line = append(line, words[lab.IntN(len(words))]...)
		}
		label := lab.IntN(2)
		if *poison && i%100 == 7 {
			line = append(line, " cf zq"...)
			label = 1
		}
		if *poison && i%100 == 51 {
			label = 1 - label
		}
		line = append(line, ',')
		line = strconv.AppendInt(line, int64(label), 10)
		line = append(line, '\n')
		w.Write(line)
	}
	must(w.Flush())
	must(f.Close())
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
