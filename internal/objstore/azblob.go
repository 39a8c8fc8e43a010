package objstore

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/blob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/bloberror"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/container"
)

// azStore talks to Azure Blob Storage through the official SDK. Blob names
// are opaque: the SDK path-escapes a name whole, so "a/../b.pkl" or a name
// with '?' or '%' is sent as the blob it is.
type azStore struct {
	c         *container.Client
	container string
}

// azPageSize is the MaxResults of a listing request; 0 leaves it to the
// service (5,000). Tests set it to make a small tree span several pages.
var azPageSize int32

func init() { backends["azblob"] = openAzure }

// openAzure finds credentials as Azure's own tools do, first match wins:
//
//   - AZURE_STORAGE_CONNECTION_STRING, which names its endpoint itself;
//   - AZURE_STORAGE_ACCOUNT with AZURE_STORAGE_KEY (shared key) or
//     AZURE_STORAGE_SAS_TOKEN;
//   - AZURE_STORAGE_ACCOUNT (or Options.Endpoint) with DefaultAzureCredential:
//     a service principal or workload identity from AZURE_* variables, a
//     managed identity, or the az CLI's login.
//
// The service URL is Options.Endpoint when set (Azurite:
// http://127.0.0.1:10000/devstoreaccount1), else
// https://ACCOUNT.blob.core.windows.net/.
func openAzure(_ context.Context, name string, opts Options) (backend, error) {
	co := &container.ClientOptions{ClientOptions: azcore.ClientOptions{
		// Retries are this package's (Store.retry), each counted and bounded
		// by the request time limit; MaxRetries < 0 means one try.
		Retry: policy.RetryOptions{MaxRetries: -1},
		// No client-side timeout: each request is bounded by its context.
		// Blob Storage does not redirect; one that did (a hostile
		// endpoint or proxy) could point a SAS-signed or token-bearing
		// request at another host, so redirects are errors.
		Transport: &http.Client{
			Transport:     http.DefaultTransport.(*http.Transport).Clone(),
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		// "Telemetry" is only the User-Agent; nothing is sent elsewhere.
		Telemetry: policy.TelemetryOptions{ApplicationID: "mlsec"},
	}}

	account := os.Getenv("AZURE_STORAGE_ACCOUNT")
	key := os.Getenv("AZURE_STORAGE_KEY")
	sas := strings.TrimPrefix(os.Getenv("AZURE_STORAGE_SAS_TOKEN"), "?")
	cs := os.Getenv("AZURE_STORAGE_CONNECTION_STRING")

	if cs != "" {
		if opts.Endpoint != "" {
			// Which endpoint the key is meant for would be a guess.
			return nil, errors.New("AZURE_STORAGE_CONNECTION_STRING names its own endpoint; unset it to use --endpoint, with AZURE_STORAGE_ACCOUNT and AZURE_STORAGE_KEY or AZURE_STORAGE_SAS_TOKEN")
		}
		c, err := container.NewClientFromConnectionString(cs, name, co)
		if err != nil {
			// The SDK's message would quote the string, key included.
			return nil, errors.New("AZURE_STORAGE_CONNECTION_STRING is not a valid connection string")
		}
		return &azStore{c: c, container: name}, nil
	}

	service := opts.Endpoint
	if service == "" {
		if account == "" {
			return nil, errors.New("no storage account named: set AZURE_STORAGE_ACCOUNT (with AZURE_STORAGE_KEY, AZURE_STORAGE_SAS_TOKEN or an Azure login), AZURE_STORAGE_CONNECTION_STRING, or --endpoint")
		}
		// An account name is 3-24 lowercase letters and digits; anything
		// else would change the host the credentials are sent to.
		if !validAccount(account) {
			return nil, fmt.Errorf("AZURE_STORAGE_ACCOUNT %q is not a storage account name (3-24 lowercase letters and digits)", printable(account, 40))
		}
		service = "https://" + account + ".blob.core.windows.net/"
	}
	u, err := url.Parse(service)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" {
		return nil, fmt.Errorf("%q is not an http(s) URL of a Blob Storage service", service)
	}
	containerURL := strings.TrimRight(service, "/") + "/" + url.PathEscape(name)

	var c *container.Client
	switch {
	case key != "":
		if account == "" {
			return nil, errors.New("AZURE_STORAGE_KEY is set without AZURE_STORAGE_ACCOUNT, the account it belongs to")
		}
		cred, err := container.NewSharedKeyCredential(account, key)
		if err != nil {
			return nil, fmt.Errorf("AZURE_STORAGE_KEY: %w", err)
		}
		c, err = container.NewClientWithSharedKeyCredential(containerURL, cred, co)
		if err != nil {
			return nil, err
		}
	case sas != "":
		if u.Scheme == "http" && !loopback(u.Hostname()) {
			// The token is in the URL: anyone on the path could reuse it
			// until it expires. (The SDK refuses Azure AD tokens over http
			// itself; a shared key is never sent, only signatures.)
			return nil, fmt.Errorf("refusing to send AZURE_STORAGE_SAS_TOKEN over plain http to %s; use https", u.Host)
		}
		if _, err := url.ParseQuery(sas); err != nil {
			return nil, errors.New("AZURE_STORAGE_SAS_TOKEN is not a query string (sv=…&sig=…)")
		}
		c, err = container.NewClientWithNoCredential(containerURL+"?"+sas, co)
		if err != nil {
			return nil, err
		}
	default:
		// azidentity was measured at +2.3 MB of binary and no measurable
		// start-up time or memory (its credentials are built here, not at
		// init), so the Azure logins people already have are honoured.
		cred, err := azidentity.NewDefaultAzureCredential(nil)
		if err != nil {
			return nil, fmt.Errorf("no Azure credentials: set AZURE_STORAGE_KEY or AZURE_STORAGE_SAS_TOKEN, or log in with az login (%w)", err)
		}
		c, err = container.NewClient(containerURL, cred, co)
		if err != nil {
			return nil, err
		}
	}
	return &azStore{c: c, container: name}, nil
}

func validAccount(a string) bool {
	if len(a) < 3 || len(a) > 24 {
		return false
	}
	for _, r := range a {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

func (s *azStore) uri(key string) string { return "azblob://" + s.container + "/" + key }

// azError is a request the service refused, said in one line: the SDK's
// own error spans a dozen lines with the request URL and the raw body.
type azError struct {
	where   string
	status  int
	code    string // the service's error code: BlobNotFound…
	message string
	err     error
}

func (e *azError) Error() string {
	msg := e.code
	if e.message != "" {
		msg += ": " + e.message
	}
	if msg == "" {
		msg = http.StatusText(e.status)
	}
	return fmt.Sprintf("%s: HTTP %d %s", e.where, e.status, msg)
}

func (e *azError) Unwrap() error { return e.err }

// HTTPStatusCode lets httpStatus read the status, as for S3's errors.
func (e *azError) HTTPStatusCode() int { return e.status }

// azFail says what failed and where. The service's message is read from
// the error body the SDK kept, bounded, and made one short printable line:
// it ends up in a report, and a hostile endpoint could fill it with escape
// sequences or megabytes.
func azFail(err error, where string) error {
	var re *azcore.ResponseError
	if !errors.As(err, &re) {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return err
		}
		return fmt.Errorf("%s: %w", where, err)
	}
	e := &azError{where: where, status: re.StatusCode, code: printable(re.ErrorCode, 60), err: err}
	if re.RawResponse != nil && re.RawResponse.Body != nil {
		b, _ := io.ReadAll(io.LimitReader(re.RawResponse.Body, 64<<10))
		var body struct {
			Message string `xml:"Message"`
		}
		if xml.Unmarshal(b, &body) == nil {
			// The service appends a request id and a timestamp on
			// further lines; the first line is the message.
			first, _, _ := strings.Cut(body.Message, "\n")
			e.message = printable(first, 300)
		}
	}
	return e
}

func (s *azStore) list(ctx context.Context, prefix string, fn func(Object) error) error {
	where := s.uri(prefix)
	o := &container.ListBlobsFlatOptions{}
	if prefix != "" {
		o.Prefix = &prefix
	}
	if azPageSize > 0 {
		o.MaxResults = &azPageSize
	}
	pager := s.c.NewListBlobsFlatPager(o)
	// A service that hands back a marker it gave before would have the
	// walk go round forever.
	seen := map[string]bool{}
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return azFail(err, where)
		}
		if page.Segment != nil {
			for _, b := range page.Segment.BlobItems {
				if b == nil || b.Name == nil {
					continue
				}
				// A name outside the prefix is not what was asked for; taken
				// as is it would be reported under a path it does not have.
				if *b.Name == "" || !strings.HasPrefix(*b.Name, prefix) {
					return fmt.Errorf("%s: the listing holds %q, which is not under the prefix", where, printable(*b.Name, 200))
				}
				var size int64 = -1
				if b.Properties != nil && b.Properties.ContentLength != nil {
					size = *b.Properties.ContentLength
				}
				if size < 0 {
					return fmt.Errorf("%s: the listing gives no size for %q", where, printable(*b.Name, 200))
				}
				version := ""
				if b.Properties.ETag != nil {
					version = string(*b.Properties.ETag)
				}
				if err := fn(Object{Key: *b.Name, Size: size, Version: version}); err != nil {
					return err
				}
			}
		}
		if page.NextMarker != nil && *page.NextMarker != "" {
			if seen[*page.NextMarker] {
				return fmt.Errorf("%s: the listing repeats a continuation marker; it would never end", where)
			}
			seen[*page.NextMarker] = true
		}
	}
	return nil
}

func (s *azStore) stat(ctx context.Context, key string) (Object, error) {
	p, err := s.c.NewBlobClient(key).GetProperties(ctx, nil)
	if err != nil {
		return Object{}, azFail(err, s.uri(key))
	}
	if p.ContentLength == nil || *p.ContentLength < 0 {
		return Object{}, fmt.Errorf("%s: the service gives no size", s.uri(key))
	}
	version := ""
	if p.ETag != nil {
		version = string(*p.ETag)
	}
	return Object{Key: key, Size: *p.ContentLength, Version: version}, nil
}

func (s *azStore) read(ctx context.Context, key, version string, off, n int64) (io.ReadCloser, error) {
	where := s.uri(key)
	if n <= 0 {
		// A Count of 0 would ask for the whole blob.
		return io.NopCloser(strings.NewReader("")), nil
	}
	opt := &blob.DownloadStreamOptions{Range: blob.HTTPRange{Offset: off, Count: n}}
	if version != "" {
		etag := azcore.ETag(version)
		opt.AccessConditions = &blob.AccessConditions{ModifiedAccessConditions: &blob.ModifiedAccessConditions{IfMatch: &etag}}
	}
	resp, err := s.c.NewBlobClient(key).DownloadStream(ctx, opt)
	if err != nil {
		if bloberror.HasCode(err, bloberror.InvalidRange) {
			// The range starts past the end: the blob is shorter now.
			return nil, fmt.Errorf("%s: %w", where, errShrunk)
		}
		return nil, azFail(err, where)
	}
	if resp.Body == nil {
		return nil, fmt.Errorf("%s: the service sent no body", where)
	}
	// The bytes must be the ones asked for: an endpoint that answered
	// another range would have the parsers read one part of the blob as
	// another. A shorter range than asked ends the read early, and
	// ReadRange reports the blob as shrunk.
	if resp.ContentRange != nil {
		var first, last int64
		if _, err := fmt.Sscanf(*resp.ContentRange, "bytes %d-%d/", &first, &last); err != nil || first != off || last > off+n-1 {
			resp.Body.Close()
			return nil, fmt.Errorf("%s: asked for bytes %d-%d, the service sent %q", where, off, off+n-1, printable(*resp.ContentRange, 80))
		}
	} else if off != 0 || resp.ContentLength == nil || *resp.ContentLength != n {
		resp.Body.Close()
		return nil, fmt.Errorf("%s: asked for bytes %d-%d, the service sent the whole blob instead", where, off, off+n-1)
	}
	return resp.Body, nil
}

// sha256: Blob Storage keeps a blob's Content-MD5 (set by the uploader,
// absent for most block-list uploads) and CRC64 of ranges, never a
// SHA-256 of the content, so the bytes must be read and hashed.
func (s *azStore) sha256(context.Context, string) (string, bool, error) { return "", false, nil }

// permanent: a missing blob or container, a bad or unauthorised request
// stay so on retry; throttling (503 ServerBusy) and 5xx do not.
func (s *azStore) permanent(err error) bool {
	if bloberror.HasCode(err, bloberror.BlobNotFound, bloberror.ContainerNotFound, bloberror.ContainerBeingDeleted,
		bloberror.AuthenticationFailed, bloberror.AuthorizationFailure, bloberror.AuthorizationPermissionMismatch,
		bloberror.AuthorizationSourceIPMismatch, bloberror.AuthorizationProtocolMismatch,
		bloberror.AuthorizationResourceTypeMismatch, bloberror.AuthorizationServiceMismatch,
		bloberror.InsufficientAccountPermissions, bloberror.AccountIsDisabled, bloberror.InvalidResourceName,
		bloberror.InvalidQueryParameterValue, bloberror.InvalidURI, bloberror.BlobArchived, bloberror.InvalidRange) {
		return true
	}
	switch httpStatus(err) {
	case http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusRequestedRangeNotSatisfiable:
		return true
	}
	return false
}

// notFound: the blob is gone. A missing container is not a missing blob:
// the whole scan is wrong, not one object.
func (s *azStore) changed(err error) bool {
	var ae *azError
	return bloberror.HasCode(err, bloberror.ConditionNotMet) || errors.As(err, &ae) && ae.status == http.StatusPreconditionFailed
}

func (s *azStore) notFound(err error) bool {
	if bloberror.HasCode(err, bloberror.BlobNotFound) {
		return true
	}
	if bloberror.HasCode(err, bloberror.ContainerNotFound) {
		return false
	}
	// A HEAD request's error has no body; the code comes in a header that
	// some emulators leave out.
	var ae *azError
	return errors.As(err, &ae) && ae.status == http.StatusNotFound && ae.code == ""
}
