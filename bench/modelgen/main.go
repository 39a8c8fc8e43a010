// Command modelgen writes a large PyTorch-layout zip checkpoint for the model
// analyzer's benchmark: the real data.pkl of a small torch.save fixture plus
// big stored tensor members filled with pseudo-random bytes.
//
//	go run ./bench/modelgen -o /tmp/big.pt -size 2GiB
package main

import (
	"archive/zip"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"os"
	"strings"
)

func main() {
	out := flag.String("o", "/tmp/mlsec-model-bench/big.pt", "output file")
	sizeGiB := flag.Float64("gib", 2, "total tensor bytes, in GiB")
	members := flag.Int("members", 16, "number of tensor members")
	fixture := flag.String("fixture", "internal/analyzers/model/testdata/ok/state_dict.pt", "torch.save zip whose data.pkl is reused")
	flag.Parse()

	pkl, err := dataPkl(*fixture)
	if err != nil {
		log.Fatal(err)
	}
	f, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	w := zip.NewWriter(f)
	write := func(name string, r io.Reader) {
		m, err := w.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
		if err != nil {
			log.Fatal(err)
		}
		if _, err := io.Copy(m, r); err != nil {
			log.Fatal(err)
		}
	}
	write("big_model/data.pkl", strings.NewReader(string(pkl)))
	write("big_model/byteorder", strings.NewReader("little"))
	block := make([]byte, 1<<20)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range block {
		block[i] = byte(rng.Uint32())
	}
	per := int64(*sizeGiB*(1<<30)) / int64(*members)
	for i := range *members {
		write(fmt.Sprintf("big_model/data/%d", i), &repeat{block: block, n: per})
	}
	write("big_model/version", strings.NewReader("3\n"))
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}

// dataPkl extracts */data.pkl from a torch.save zip.
func dataPkl(path string) ([]byte, error) {
	z, err := zip.OpenReader(path)
	if err != nil {
		return nil, err
	}
	defer z.Close()
	for _, f := range z.File {
		if strings.HasSuffix(f.Name, "/data.pkl") {
			r, err := f.Open()
			if err != nil {
				return nil, err
			}
			defer r.Close()
			return io.ReadAll(r)
		}
	}
	return nil, fmt.Errorf("%s: no data.pkl", path)
}

// repeat yields n bytes cycling through block.
type repeat struct {
	block  []byte
	n, off int64
}

func (r *repeat) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, io.EOF
	}
	k := copy(p[:min(int64(len(p)), r.n)], r.block[r.off%int64(len(r.block)):])
	r.off += int64(k)
	r.n -= int64(k)
	return k, nil
}
