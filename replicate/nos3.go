//go:build kadra_nos3

package replicate

const s3Built = false
