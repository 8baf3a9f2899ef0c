# savbilling — see README.md. Targets: demo, test, build, vet, bench.
GO       ?= go
MARIADB  := scripts/mariadb.sh
# extra flags for go test, e.g. make test TESTFLAGS='-run Store -count=1'
TESTFLAGS ?=

.PHONY: build vet test demo bench

## demo: the real job on the embedded SQLite database with a generated sample network of 30
## repairers, its last three months closed; outputs under out/demo/
demo: build
	rm -rf out/demo && mkdir -p out/demo
	bin/savbilling demo --db sqlite:out/demo/savbilling-demo.db --out out/demo

## bench: Go benchmarks of the rules, renderers and store
bench:
	$(GO) test -run '^$$' -bench . -benchmem $(BENCHFLAGS) ./...

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
## SAVBILLING_TEST_MYSQL_DSN already set: that server is used as is.
test:
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
