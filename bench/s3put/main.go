// Command s3put uploads the files of a local tree to an S3-compatible store
// for bench/s3.sh: s3put -endpoint URL -bucket B -prefix P DIR. It creates
// the bucket when missing; credentials come from the AWS environment.
package main

import (
	"context"
	"flag"
	"io/fs"
	"log"
	"os"
	"path/filepath"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

func main() {
	endpoint := flag.String("endpoint", "", "S3-compatible endpoint")
	bucket := flag.String("bucket", "", "bucket")
	prefix := flag.String("prefix", "", "key prefix")
	flag.Parse()
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		log.Fatal(err)
	}
	c := s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.BaseEndpoint, o.UsePathStyle = aws.String(*endpoint), true
	})
	_, _ = c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: bucket})
	root := flag.Arg(0)
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		info, _ := f.Stat()
		_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: aws.String(*prefix + filepath.ToSlash(rel)),
			Body: f, ContentLength: aws.Int64(info.Size())})
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
}
