# The pipeline's asset graph. Every target is a file; every rule names its inputs, including the
# tool binary that makes it, so `make` rebuilds exactly what is stale and `make -j` runs
# independent steps at once. Tools are called by path, never from PATH (our `split` would
# otherwise meet coreutils' split).
#
#   make            the pipeline on live HN data (needs the network)
#   make demo       the pipeline offline, on the small dump bundled in fixtures/
#   make test       build everything and run every test
#   make help       what each target makes

.DELETE_ON_ERROR:
.SUFFIXES:
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c

CARGO   ?= cargo
BIN     := target/release
DATA    ?= data
# Where stories come from: the live API by default; `make SOURCE='--from dump.jsonl.gz'` for a dump.
SOURCE  ?= --api https://hacker-news.firebaseio.com/v0
# The guide trains on the newest 1000 items; --min-age keeps only stories whose comment counts
# have settled (the guide trains on minutes-old stories).
FETCH_ARGS ?= --latest 1000 --min-age 2d
TOOLS   := hn-fetch
SOURCES := Cargo.toml Cargo.lock $(shell find shared/src tools -name '*.rs' 2>/dev/null)

.PHONY: all demo test help clean clean-all build

all: $(DATA)/stories.parquet ## the whole pipeline on live data

help: ## list targets
	@grep -hE '^[a-zA-Z_$$()/.-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 28

build: $(addprefix $(BIN)/,$(TOOLS)) ## build the tools (release)

# One cargo invocation builds every tool; the stamp keeps make from running it once per binary.
$(BIN)/.built: $(SOURCES)
	$(CARGO) build --release --locked --bins
	@touch $@
$(addprefix $(BIN)/,$(TOOLS)): $(BIN)/.built

$(DATA)/stories.parquet: $(BIN)/hn-fetch ## stories from HN (raw data: kept by `make clean`)
	@mkdir -p $(@D)
	$(BIN)/hn-fetch $(SOURCE) $(FETCH_ARGS) --since $@ -o $@

demo: ## run the pipeline offline on the bundled fixture dump, into demo/
	$(MAKE) --no-print-directory DATA=demo SOURCE='--from fixtures/demo-items.jsonl' FETCH_ARGS='--latest 200' all

test: ## build and run every test (unit and end-to-end)
	$(CARGO) test --release --locked --workspace

clean: ## remove derived assets (fetched stories stay)
	@true

clean-all: clean ## also remove fetched stories and the demo output
	rm -rf $(DATA)/stories.parquet demo
