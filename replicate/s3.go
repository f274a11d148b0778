//go:build !kadra_nos3

package replicate

import _ "github.com/benbjohnson/litestream/s3" // s3:// replicas (AWS, MinIO, B2, R2, Hetzner)

const s3Built = true
