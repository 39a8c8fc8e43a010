package objstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/google"
)

// gcsStore talks to Google Cloud Storage's JSON API over plain net/http.
// The official client library (cloud.google.com/go/storage) is not used:
// it added 31 MB to the binary and 0.1 s and 18 MB of memory to every start
// of mlsec, scanning or not, for the four requests a scan makes.
//
// Object names are opaque bytes to GCS: "a/../b.pkl", "%2F" or a name with
// spaces is an object like any other, so a name is always path-escaped
// whole (its slashes too) and never cleaned or split.
type gcsStore struct {
	c      *http.Client
	base   string // scheme://host, without a trailing slash
	bucket string
	// bucketSeen is set once a listing of the bucket has succeeded, after
	// which a 404 on an object means the object, not the bucket.
	bucketSeen atomic.Bool
}

// Limits on what is read of a response whole. A listing page of 1,000
// names of up to 1,024 bytes each, JSON-escaped, fits in 16 MiB; anything
// longer is a server (or something posing as one) feeding an endless body.
const (
	gcsMaxListing = 16 << 20
	gcsMaxObject  = 1 << 20 // one object's metadata
	gcsMaxError   = 64 << 10
)

// gcsPageSize is the maxResults of a listing request; 0 leaves it to the
// server (1,000). Tests set it to make a small tree span several pages.
var gcsPageSize = 0

// gcsReadOnly is the OAuth scope asked for: a scan reads and never writes.
const gcsReadOnly = "https://www.googleapis.com/auth/devstorage.read_only"

func init() { backends["gs"] = openGCS }

// openGCS finds the endpoint and credentials. STORAGE_EMULATOR_HOST is the
// convention of Google's own clients for an emulator (fake-gcs-server):
// host:port or a URL, spoken to without credentials. Otherwise Application
// Default Credentials are used, as gcloud and Google's libraries use them:
// GOOGLE_APPLICATION_CREDENTIALS, gcloud's application_default_credentials
// .json, then the metadata server of a Google Cloud machine.
// Options.Endpoint replaces the base URL (a private endpoint, or an emulator
// along with STORAGE_EMULATOR_HOST); credentials are still required with it
// unless STORAGE_EMULATOR_HOST is set.
func openGCS(ctx context.Context, bucket string, opts Options) (backend, error) {
	s := &gcsStore{bucket: bucket, base: "https://storage.googleapis.com"}
	// The transport's own timeouts are left alone: each request is bounded
	// by the context Store.retry gives it.
	tr := http.DefaultTransport.(*http.Transport).Clone()
	var rt http.RoundTripper = tr
	if emu := os.Getenv("STORAGE_EMULATOR_HOST"); emu != "" {
		if !strings.Contains(emu, "://") {
			emu = "http://" + emu
		}
		s.base = emu
	} else {
		// Tokens are fetched outside any request's context (the OAuth
		// transport asks its source without one), so a token endpoint that
		// never answers would hang the scan: its client gets the request
		// time limit.
		ctx = context.WithValue(ctx, oauth2.HTTPClient, &http.Client{Timeout: opts.Timeout})
		creds, err := google.FindDefaultCredentials(ctx, gcsReadOnly)
		if err != nil {
			return nil, fmt.Errorf("finding Google credentials (GOOGLE_APPLICATION_CREDENTIALS, `gcloud auth application-default login`, or the metadata server of a Google Cloud machine): %w", err)
		}
		rt = &oauth2.Transport{Source: creds.TokenSource, Base: tr}
	}
	if opts.Endpoint != "" {
		s.base = opts.Endpoint
	}
	u, err := url.Parse(s.base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("%q is not an http(s) URL of a Cloud Storage endpoint (without a query or fragment)", s.base)
	}
	if _, creds := rt.(*oauth2.Transport); creds && u.Scheme == "http" && !loopback(u.Hostname()) {
		// Anyone on the path could take the token and use it for an hour.
		return nil, fmt.Errorf("refusing to send Google credentials over plain http to %s; use https, or STORAGE_EMULATOR_HOST for an emulator", u.Host)
	}
	s.base = strings.TrimRight(s.base, "/")
	s.c = &http.Client{
		Transport: rt,
		// The JSON API does not redirect. The OAuth transport would put the
		// bearer token on a redirected request too, so an endpoint (or a
		// proxy in front of it) answering with a redirect to another host
		// must not be followed: it would be handed the token.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return s, nil
}

// loopback says host is this machine: localhost or a loopback address.
func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// uri names an object (or, with key "", the bucket) in errors.
func (s *gcsStore) uri(key string) string { return "gs://" + s.bucket + "/" + key }

// objectURL is the JSON API's URL of one object, or of the bucket's object
// collection when key is "".
func (s *gcsStore) objectURL(key string) string {
	u := s.base + "/storage/v1/b/" + url.PathEscape(s.bucket) + "/o"
	if key != "" {
		u += "/" + url.PathEscape(key)
	}
	return u
}

// gcsError is a request the API refused, or answered with a status this
// package does not expect.
type gcsError struct {
	where   string // gs://bucket/key
	status  int
	reason  string // the API's error reason: notFound, forbidden…
	message string
	// bucket says a 404 was for the bucket, not the object.
	bucket bool
}

func (e *gcsError) Error() string {
	msg := e.message
	if msg == "" {
		msg = http.StatusText(e.status)
	}
	if e.bucket {
		return fmt.Sprintf("%s: the bucket does not exist (HTTP %d: %s)", e.where, e.status, msg)
	}
	return fmt.Sprintf("%s: HTTP %d: %s", e.where, e.status, msg)
}

// HTTPStatusCode lets httpStatus read the status, as for S3's errors.
func (e *gcsError) HTTPStatusCode() int { return e.status }

// failure reads the error a response carries. The body is bounded, and its
// message is cut short and stripped of control characters: it ends up in a
// report or on a terminal, and a hostile server could fill it with escape
// sequences or megabytes of text.
func failure(resp *http.Response, where string) *gcsError {
	e := &gcsError{where: where, status: resp.StatusCode}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, gcsMaxError))
	var body struct {
		Error struct {
			Message string `json:"message"`
			Errors  []struct {
				Reason string `json:"reason"`
			} `json:"errors"`
		} `json:"error"`
	}
	if json.Unmarshal(b, &body) == nil && body.Error.Message != "" {
		e.message = body.Error.Message
		if len(body.Error.Errors) > 0 {
			e.reason = body.Error.Errors[0].Reason
		}
	} else {
		e.message = string(b) // not JSON: a proxy's or an emulator's text
	}
	e.message = printable(e.message, 300)
	if loc := resp.Header.Get("Location"); resp.StatusCode/100 == 3 && loc != "" {
		e.message = "redirected to " + printable(loc, 200) + ", not followed (the JSON API does not redirect; a redirect would carry the credentials elsewhere)"
	}
	return e
}

// printable keeps at most n runes of s, with control characters and
// invalid UTF-8 made spaces and runs of spaces collapsed.
func printable(s string, n int) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if r == unicode.ReplacementChar || unicode.IsControl(r) || unicode.IsSpace(r) {
			if !space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		if n == 0 {
			b.WriteString("…")
			break
		}
		n--
		space = false
		b.WriteRune(r)
	}
	return strings.TrimSpace(b.String())
}

// get sends a GET and returns the response when its status is one of ok;
// otherwise the error it carries.
func (s *gcsStore) get(ctx context.Context, u, where string, hdr http.Header, ok ...int) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	resp, err := s.c.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	for _, st := range ok {
		if resp.StatusCode == st {
			return resp, nil
		}
	}
	defer resp.Body.Close()
	return nil, failure(resp, where)
}

// getJSON GETs u and decodes a body of at most limit bytes into v.
func (s *gcsStore) getJSON(ctx context.Context, u, where string, limit int64, v any) error {
	resp, err := s.get(ctx, u, where, http.Header{"Accept": {"application/json"}}, http.StatusOK)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return fmt.Errorf("%s: reading the response: %w", where, err)
	}
	if int64(len(b)) > limit {
		return fmt.Errorf("%s: the response is longer than %d bytes; refusing it", where, limit)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: the response is not the JSON expected: %w", where, err)
	}
	return nil
}

// gcsObject is the part of an object resource a scan uses.
type gcsObject struct {
	Name       string  `json:"name"`
	Size       gcsSize `json:"size"`
	Generation string  `json:"generation"` // the version of the bytes; a decimal string
}

// gcsSize is a size as the API writes it, a decimal string ("1024"); a
// bare number is accepted too. A negative or unparsable size is refused
// rather than taken as 0, which would skip the object as empty.
type gcsSize int64

func (z *gcsSize) UnmarshalJSON(b []byte) error {
	t := strings.Trim(string(b), `"`)
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n < 0 {
		return fmt.Errorf("object size %s is not a size", printable(string(b), 40))
	}
	*z = gcsSize(n)
	return nil
}

func (s *gcsStore) list(ctx context.Context, prefix string, fn func(Object) error) error {
	where := s.uri(prefix)
	q := url.Values{"fields": {"items(name,size,generation),nextPageToken"}}
	if prefix != "" {
		q.Set("prefix", prefix)
	}
	if gcsPageSize > 0 {
		q.Set("maxResults", strconv.Itoa(gcsPageSize))
	}
	// A server that hands back a token it gave before would have the walk
	// go round forever.
	seen := map[string]bool{}
	for {
		var page struct {
			Items         []gcsObject `json:"items"`
			NextPageToken string      `json:"nextPageToken"`
		}
		if err := s.getJSON(ctx, s.objectURL("")+"?"+q.Encode(), where, gcsMaxListing, &page); err != nil {
			var ge *gcsError
			if errors.As(err, &ge) && ge.status == http.StatusNotFound {
				ge.bucket = true // a listing has no object to miss
			}
			return err
		}
		s.bucketSeen.Store(true)
		for _, o := range page.Items {
			// A name outside the prefix is not what was asked for; taken
			// as is it would be reported under a path it does not have.
			if o.Name == "" || !strings.HasPrefix(o.Name, prefix) {
				return fmt.Errorf("%s: the listing holds %q, which is not under the prefix", where, printable(o.Name, 200))
			}
			if err := fn(Object{Key: o.Name, Size: int64(o.Size), Version: o.Generation}); err != nil {
				return err
			}
		}
		if page.NextPageToken == "" {
			return nil
		}
		if seen[page.NextPageToken] {
			return fmt.Errorf("%s: the listing repeats a page token; it would never end", where)
		}
		seen[page.NextPageToken] = true
		q.Set("pageToken", page.NextPageToken)
	}
}

// objectMissing marks a 404 on an object as the bucket's when the bucket
// does not exist: GCS answers 404 for both, and only the first means the
// object was deleted since it was listed. The check lists at most one name,
// which needs the same permission as the scan (storage.objects.list), where
// reading the bucket's metadata would need storage.buckets.get.
func (s *gcsStore) objectMissing(ctx context.Context, err error) error {
	var ge *gcsError
	if !errors.As(err, &ge) || ge.status != http.StatusNotFound || s.bucketSeen.Load() {
		return err
	}
	var page struct{}
	q := url.Values{"maxResults": {"1"}, "fields": {"nextPageToken"}}
	perr := s.getJSON(ctx, s.objectURL("")+"?"+q.Encode(), s.uri(""), gcsMaxObject, &page)
	var pe *gcsError
	switch {
	case perr == nil:
		s.bucketSeen.Store(true)
	case errors.As(perr, &pe) && pe.status == http.StatusNotFound:
		ge.bucket = true
	}
	return err
}

func (s *gcsStore) stat(ctx context.Context, key string) (Object, error) {
	var o gcsObject
	q := url.Values{"fields": {"name,size,generation"}}
	if err := s.getJSON(ctx, s.objectURL(key)+"?"+q.Encode(), s.uri(key), gcsMaxObject, &o); err != nil {
		return Object{}, s.objectMissing(ctx, err)
	}
	if o.Name != key {
		return Object{}, fmt.Errorf("%s: the server described %q instead", s.uri(key), printable(o.Name, 200))
	}
	return Object{Key: key, Size: int64(o.Size), Version: o.Generation}, nil
}

func (s *gcsStore) read(ctx context.Context, key, version string, off, n int64) (io.ReadCloser, error) {
	where := s.uri(key)
	if n <= 0 {
		// "bytes=off-(off-1)" is no range; nothing is asked for.
		return io.NopCloser(strings.NewReader("")), nil
	}
	hdr := http.Header{
		"Range": {fmt.Sprintf("bytes=%d-%d", off, off+n-1)},
		// An object stored gzip-compressed (Content-Encoding: gzip) is
		// otherwise decompressed by GCS on the way out, which ignores the
		// range and yields other bytes than the listed size counts. Asking
		// for gzip gets the stored bytes, ranged; setting the header here
		// also keeps net/http from decompressing them.
		"Accept-Encoding": {"gzip"},
	}
	q := url.Values{"alt": {"media"}}
	if version != "" {
		q.Set("ifGenerationMatch", version)
	}
	resp, err := s.get(ctx, s.objectURL(key)+"?"+q.Encode(), where, hdr, http.StatusPartialContent, http.StatusOK)
	if err != nil {
		var ge *gcsError
		if errors.As(err, &ge) && ge.status == http.StatusRequestedRangeNotSatisfiable {
			// The range starts past the end: the object is shorter now.
			return nil, fmt.Errorf("%s: %w", where, errShrunk)
		}
		return nil, s.objectMissing(ctx, err)
	}
	// The bytes must be of the listed generation: GCS refuses the request
	// when ifGenerationMatch fails, and the header names what was sent, for
	// a server (or emulator) that ignored the condition.
	if g := resp.Header.Get("X-Goog-Generation"); version != "" && g != "" && g != version {
		resp.Body.Close()
		return nil, &gcsError{where: where, status: http.StatusPreconditionFailed, message: fmt.Sprintf("generation %s was listed, %s was sent", printable(version, 30), printable(g, 30))}
	}
	// The bytes must be the ones asked for: a server that ignores the
	// range (200 with the whole object) or answers another one would have
	// the parsers read one part of the object as another.
	switch resp.StatusCode {
	case http.StatusOK:
		if off != 0 || resp.ContentLength != n {
			resp.Body.Close()
			return nil, fmt.Errorf("%s: asked for bytes %d-%d, the server sent the whole object (%d bytes) instead", where, off, off+n-1, resp.ContentLength)
		}
	case http.StatusPartialContent:
		var first, last int64
		cr := resp.Header.Get("Content-Range")
		if _, err := fmt.Sscanf(cr, "bytes %d-%d/", &first, &last); err != nil || first != off || last > off+n-1 {
			resp.Body.Close()
			return nil, fmt.Errorf("%s: asked for bytes %d-%d, the server sent %q", where, off, off+n-1, printable(cr, 80))
		}
		// A shorter range than asked ends the read early: ReadRange
		// reports the object as shrunk.
	}
	return resp.Body, nil
}

// sha256: GCS keeps an object's MD5 (not for composite objects) and CRC32C,
// never its SHA-256, so the bytes must be read and hashed.
func (s *gcsStore) sha256(context.Context, string) (string, bool, error) { return "", false, nil }

// permanent: a bad request, missing credentials, denied access or a
// missing object or bucket stay so on retry; 429 and 5xx do not.
func (s *gcsStore) permanent(err error) bool {
	var ge *gcsError
	if errors.As(err, &ge) {
		switch ge.status {
		case http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound,
			http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
			return true
		}
	}
	return false
}

func (s *gcsStore) changed(err error) bool {
	var ge *gcsError
	return errors.As(err, &ge) && ge.status == http.StatusPreconditionFailed
}

func (s *gcsStore) notFound(err error) bool {
	var ge *gcsError
	return errors.As(err, &ge) && ge.status == http.StatusNotFound && !ge.bucket
}
