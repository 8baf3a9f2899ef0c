//go:build !unix

package job

// lockDir does nothing where flock is missing: one run per host renders a period.
func lockDir(string) (func(), error) { return func() {}, nil }
