package source

import "io"

// Handle is an open file of the scan: read whole, streamed, or read at
// offsets by the binary parsers. *os.File is one.
type Handle interface {
	io.Reader
	io.ReaderAt
	io.Closer
}

// Opener reads entries that do not live on the local file system (objects
// in a bucket). An Entry whose Opener is nil is a local file, opened by its
// OS path.
type Opener interface {
	// Open opens the entry's bytes; name is the entry's OS field.
	Open(name string, size int64) (Handle, error)
}

// ReadFailure is implemented by handles whose reads can fail after they
// opened (a network read). Err returns the first failure, if any, so that a
// parser that took a failed read for the end of its input does not turn a
// network error into a verdict on the file.
type ReadFailure interface {
	Err() error
}
