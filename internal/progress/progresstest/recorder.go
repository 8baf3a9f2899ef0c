// Package progresstest holds a progress.Reporter for tests: it keeps what it is told.
package progresstest

import "sync"

// Stage is one stage a Recorder was told of, with the items added while it was current.
type Stage struct {
	Name         string
	Total, Added int
}

// Recorder is a progress.Reporter that keeps the stages it is told of and counts the calls to
// Done. It may be called from several goroutines at once.
type Recorder struct {
	mu     sync.Mutex
	stages []Stage
	done   int
}

// Stage starts the stage name of total items.
func (r *Recorder) Stage(name string, total int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stages = append(r.stages, Stage{Name: name, Total: total})
}

// Add counts n items done in the current stage.
func (r *Recorder) Add(n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stages[len(r.stages)-1].Added += n
}

// Done counts a call to Done.
func (r *Recorder) Done() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.done++
}

// Take returns the stages recorded since the last Take and forgets them.
func (r *Recorder) Take() []Stage {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.stages
	r.stages = nil
	return s
}

// Dones is the number of calls to Done.
func (r *Recorder) Dones() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.done
}
