//go:build unix

package job

import "syscall"

// diskFree is the space available to an unprivileged user on the file system of path.
func diskFree(path string) (int64, bool, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(path, &st); err != nil {
		return 0, false, err
	}
	free := uint64(st.Bavail) * uint64(st.Bsize)
	if free > 1<<62 {
		free = 1 << 62
	}
	return int64(free), true, nil
}
