package finding

import "testing"

func TestReportPaths(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{Dir("s3://b/data/x.csv"), "s3://b/data"},
		{Dir("s3://b/x.csv"), "s3://b"},
		{Dir("s3://b"), "s3://b"},
		{Join("s3://b/data", "../models", "m.pkl"), "s3://b/models/m.pkl"},
		{Join("s3://b", "../../other/x"), "s3://b/other/x"},
		{Join("gs://b/a/", "./c"), "gs://b/a/c"},
		{Clean("azblob://c/a//b/../d"), "azblob://c/a/d"},
		{Join("proj/data", "../m.pkl"), "proj/m.pkl"},
		{Dir("proj/a.py"), "proj"},
		{Join("C:/x", "y"), "C:/x/y"},
		{Join("weird://", "k"), "weird:///k"},
		{Join("Not-A-Scheme://b", "k"), "Not-A-Scheme:/b/k"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
