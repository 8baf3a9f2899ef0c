# savbilling — see README.md. Targets: demo, test, build, vet, bench.
GO       ?= go
MARIADB  := scripts/mariadb.sh
# extra flags for go test, e.g. make test TESTFLAGS='-run Store -count=1'
TESTFLAGS ?=

.PHONY: build vet test demo bench bench-l

## demo: the real job on the embedded SQLite database with a generated sample network of 30
## repairers, its last three months closed; outputs under out/demo/
demo: build
	rm -rf out/demo && mkdir -p out/demo
	bin/savbilling demo --db sqlite:out/demo/savbilling-demo.db --out out/demo

## bench: Go benchmarks of the rules, renderers and store (BENCHFLAGS, e.g. -count 6 for
## benchstat), then the close of workload S timed on SQLite and on MariaDB (scripts/bench.sh: per
## stage, peak RSS, median of 3). BENCH=L runs workload L instead (seeding it takes minutes the
## first time); make bench-l runs only the L close benchmark.
BENCH ?= S
bench:
	$(GO) test -run '^$$' -bench . -benchmem $(BENCHFLAGS) ./...
	scripts/bench.sh $(BENCH) both

bench-l:
	scripts/bench.sh L both

## build: the binary in bin/
build:
	@mkdir -p bin
	$(GO) build -o bin/savbilling ./cmd/savbilling

## vet: gofmt check and go vet
vet:
	@unformatted=$$(gofmt -l $$(git ls-files --cached --others --exclude-standard '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt -l: not formatted:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...

## test: the whole suite, on SQLite and on a throwaway MariaDB (scripts/mariadb.sh starts it,
## installing it with apt when run as root, and stops it afterwards whatever the outcome).
## SAVBILLING_TEST_MYSQL_DSN already set: that server is used as is. Then the tests of the
## patched gofpdf copy, a module of its own that ./... does not reach, with its two checks
## against upstream v1.16.2 (PATCHES.diff is the whole diff; documents that use no addition of
## ours are the same bytes as upstream's).
test: test-db test-gofpdf

.PHONY: test-db test-gofpdf
test-gofpdf:
	cd third_party/gofpdf && $(GO) vet ./... && $(GO) test $(TESTFLAGS) ./...
	sh third_party/gofpdf/patches.sh
	sh third_party/gofpdf/verify.sh

test-db:
	@if [ -n "$$SAVBILLING_TEST_MYSQL_DSN" ]; then \
		echo "make test: MariaDB suite on the server of SAVBILLING_TEST_MYSQL_DSN"; \
		$(GO) test $(TESTFLAGS) ./...; \
	elif command -v mariadbd >/dev/null 2>&1 || [ "$$(id -u)" = 0 ]; then \
		env_lines=$$($(MARIADB) start) || { echo "make test: could not start MariaDB" >&2; exit 1; }; \
		eval "$$env_lines"; \
		if [ -n "$${SAVBILLING_MARIADB_STARTED:-}" ]; then trap '$(MARIADB) stop' EXIT INT TERM; fi; \
		echo "make test: MariaDB suite on the throwaway server"; \
		status=0; $(GO) test $(TESTFLAGS) ./... || status=$$?; \
		exit $$status; \
	else \
		banner() { \
			echo "################################################################################"; \
			echo "##  MariaDB suite NOT run: mariadbd is not installed and we are not root."; \
			echo "##  Only SQLite was tested (install mariadb-server or run as root)."; \
			echo "################################################################################"; \
		}; \
		banner; status=0; $(GO) test $(TESTFLAGS) ./... || status=$$?; banner; exit $$status; \
	fi

## soak: the long versions of the fault tests (faults/, issue 6): 100 SIGKILLs per engine, 20
## rounds of concurrent closes, 25 random histories per engine, the PDFs of a 2 000-repairer
## network; on SQLite and on a throwaway MariaDB as in make test. Up to an hour.
.PHONY: soak fuzz
SOAKFLAGS ?= -v
soak:
	@run() { SAVBILLING_SOAK=1 $(GO) test -count=1 -timeout 60m $(SOAKFLAGS) ./faults/; }; \
	if [ -n "$$SAVBILLING_TEST_MYSQL_DSN" ]; then run; \
	else \
		env_lines=$$($(MARIADB) start) || { echo "make soak: could not start MariaDB" >&2; exit 1; }; \
		eval "$$env_lines"; \
		if [ -n "$${SAVBILLING_MARIADB_STARTED:-}" ]; then trap '$(MARIADB) stop' EXIT INT TERM; fi; \
		status=0; run || status=$$?; exit $$status; \
	fi

## fuzz: every go test -fuzz target for FUZZTIME each (default 20s): money's arithmetic, the
## rules (reconcile FuzzClose), the source-row validation through the store (faults
## FuzzLoadCloseInput, SQLite), the renderers with any text in every field (invoices
## FuzzRenderDocuments) and the fonts' fallback chain (internal/glyphs FuzzRuns). Findings land in the package's testdata/fuzz/. A target may carry
## its own budget, pkg:Fuzz:BUDGET. With Go 1.26 a duration budget can end with a spurious
## "context deadline exceeded" and no failing input (golang/go#75804, fixed in Go 1.27): CI
## gives execution counts (-fuzztime 1000x), which have no deadline.
FUZZTIME ?= 20s
FUZZ_TARGETS = money:FuzzAdd money:FuzzSum money:FuzzShare money:FuzzSplit money:FuzzCeilDivAbs \
	reconcile:FuzzClose faults:FuzzLoadCloseInput invoices:FuzzRenderDocuments internal/glyphs:FuzzRuns
fuzz:
	@for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; fn=$${t#*:}; budget=$(FUZZTIME); \
		case $$fn in *:*) budget=$${fn#*:}; fn=$${fn%%:*};; esac; \
		echo "fuzz $$pkg $$fn for $$budget"; \
		$(GO) test ./$$pkg/ -run '^$$' -fuzz "^$$fn\$$" -fuzztime $$budget || exit 1; \
	done
