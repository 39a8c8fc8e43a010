package archive

import (
	"bytes"
	"encoding/binary"
	"testing"
)

// zip64File hand-builds a one-member zip whose central directory defers
// sizes and offset to the zip64 extra field and whose end record defers to
// the zip64 end record, as writers do for files over 4 GiB.
func zip64File(prefix, name, data string) []byte {
	le := binary.LittleEndian
	var b bytes.Buffer
	b.WriteString(prefix)
	localAt := uint64(0) // offsets are relative to the zip's start
	w16 := func(v uint16) { binary.Write(&b, le, v) }
	w32 := func(v uint32) { binary.Write(&b, le, v) }
	w64 := func(v uint64) { binary.Write(&b, le, v) }
	b.WriteString(sigLocal)
	w16(45)
	w16(0)
	w16(0)
	w32(0)
	w32(0) // crc: not checked here
	w32(zip64Marker)
	w32(zip64Marker)
	w16(uint16(len(name)))
	w16(20)
	b.WriteString(name)
	w16(1)
	w16(16)
	w64(uint64(len(data)))
	w64(uint64(len(data)))
	b.WriteString(data)
	cdAt := uint64(b.Len() - len(prefix))
	b.WriteString(sigCentral)
	w16(45)
	w16(45)
	w16(0)
	w16(0)
	w32(0)
	w32(0)
	w32(zip64Marker)
	w32(zip64Marker)
	w16(uint16(len(name)))
	w16(28)
	w16(0)
	w16(0)
	w16(0)
	w32(0)
	w32(zip64Marker)
	b.WriteString(name)
	w16(1)
	w16(24)
	w64(uint64(len(data)))
	w64(uint64(len(data)))
	w64(localAt)
	cdSize := uint64(b.Len()-len(prefix)) - cdAt
	eocd64At := uint64(b.Len() - len(prefix))
	b.WriteString(sigEOCD64)
	w64(44)
	w16(45)
	w16(45)
	w32(0)
	w32(0)
	w64(1)
	w64(1)
	w64(cdSize)
	w64(cdAt)
	b.WriteString(sigLocator)
	w32(0)
	w64(eocd64At)
	w32(1)
	b.WriteString(sigEOCD)
	w16(0)
	w16(0)
	w16(0xffff)
	w16(0xffff)
	w32(zip64Marker)
	w32(zip64Marker)
	w16(0)
	return b.Bytes()
}

func TestReadZip64(t *testing.T) {
	for _, prefix := range []string{"", "\x80\x02N."} {
		b := zip64File(prefix, "big_model/data.pkl", "\x80\x02}q\x00.")
		z := read(t, b)
		if !z.Central || len(z.Entries) != 1 || z.Prefix != int64(len(prefix)) {
			t.Fatalf("prefix %q: central=%v entries=%d prefix=%d anomalies=%+v", prefix, z.Central, len(z.Entries), z.Prefix, z.Anomalies)
		}
		e := z.Entries[0]
		if e.Name != "big_model/data.pkl" || e.Size != 6 || e.CompressedSize != 6 {
			t.Fatalf("entry %+v", e)
		}
		if got, _ := content(t, z, e); got != "\x80\x02}q\x00." {
			t.Fatalf("content %q", got)
		}
	}
}
