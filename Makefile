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
# The newest stories, to predict for: no --min-age (their comments are still coming).
LATEST_ARGS ?= --latest 100
TOOLS   := hn-fetch split vectorize train score predict
# split: --test-size 0.2 --seed 42 by default; `--by time` tests on the newest stories (see README).
SPLIT_ARGS ?=
# vectorize fit: scikit-learn's TfidfVectorizer() by default; e.g. '--min-df 2 --ngram 1,2'.
VECTORIZE_ARGS ?=
SOURCES := Cargo.toml Cargo.lock shared/Cargo.toml $(shell find shared/src tools -name '*.rs' 2>/dev/null)

.PHONY: all demo test help clean clean-all build refresh

all: $(DATA)/stories.parquet $(DATA)/latest.parquet ## the whole pipeline on live data

help: ## list targets
	@grep -hE '^[a-zA-Z_$$()/. -]+&?:.*## ' $(MAKEFILE_LIST) | sed -E 's/ ?&?:.*## /\t/; s|[$$][(]DATA[)]|$(DATA)|g' \
	  | expand -t 28

build: $(addprefix $(BIN)/,$(TOOLS)) ## build the tools (release)

# One cargo invocation builds every tool; the stamp keeps make from running it once per binary.
$(BIN)/.built: $(SOURCES)
	$(CARGO) build --release --locked --bins
	@touch $@
$(addprefix $(BIN)/,$(TOOLS)): $(BIN)/.built

# Raw data: fetched, never derived, so `make clean` keeps it. `--since $@` makes a rerun
# incremental (only newer ids, plus stories too young to have settled when fetched); a killed run
# resumes from its journal (.stories.parquet.journal) when started again.
$(DATA)/stories.parquet: $(BIN)/hn-fetch ## stories from HN, old enough to have settled (raw data)
	@mkdir -p $(@D)
	$(BIN)/hn-fetch $(SOURCE) $(FETCH_ARGS) --since $@ -o $@

$(DATA)/latest.parquet: $(BIN)/hn-fetch ## the newest stories, to predict for (raw data)
	@mkdir -p $(@D)
	$(BIN)/hn-fetch $(SOURCE) $(LATEST_ARGS) -o $@

# For cron: fetch again (stories incrementally, the latest afresh) even though the files exist, then rebuild what depends
# on them. `-W` tells make the fetch tool is new, so exactly the rules that run it are stale.
refresh: build ## fetch new stories into $(DATA) and rebuild everything downstream (cron)
	$(MAKE) --no-print-directory -W $(BIN)/hn-fetch all

# Train/test split: one run makes both files (a grouped target), written together or not at all.
$(DATA)/train.parquet $(DATA)/test.parquet &: $(DATA)/stories.parquet $(BIN)/split ## train/test split of the stories
	$(BIN)/split $(DATA)/stories.parquet -o $(DATA)/train.parquet --test $(DATA)/test.parquet $(SPLIT_ARGS)

# The vectorizer learns from the training titles only; the same run writes the training features.
$(DATA)/vectorizer.bin $(DATA)/train_features.parquet &: $(DATA)/train.parquet $(BIN)/vectorize ## TF-IDF vectorizer + training features
	$(BIN)/vectorize fit $(DATA)/train.parquet --vectorizer $(DATA)/vectorizer.bin -o $(DATA)/train_features.parquet $(VECTORIZE_ARGS)

$(DATA)/test_features.parquet: $(DATA)/test.parquet $(DATA)/vectorizer.bin $(BIN)/vectorize ## TF-IDF features of the test set
	$(BIN)/vectorize transform $(DATA)/test.parquet --vectorizer $(DATA)/vectorizer.bin -o $@

$(DATA)/latest_features.parquet: $(DATA)/latest.parquet $(DATA)/vectorizer.bin $(BIN)/vectorize ## TF-IDF features of the latest stories
	$(BIN)/vectorize transform $(DATA)/latest.parquet --vectorizer $(DATA)/vectorizer.bin -o $@

all: $(DATA)/train_features.parquet $(DATA)/test_features.parquet
clean: clean-features
.PHONY: clean-features
clean-features:
	rm -f $(DATA)/train.parquet $(DATA)/test.parquet $(DATA)/vectorizer.bin \
	  $(DATA)/train_features.parquet $(DATA)/test_features.parquet $(DATA)/latest_features.parquet

# ---- Model: train, score, predict (and promote the champion) ----
# train: the guide's XGBRegressor(n_estimators=20, objective="reg:squarederror") by default;
# e.g. TRAIN_ARGS='--objective poisson' or '--engine gbdt'.
TRAIN_ARGS ?=
# score: gates that fail `make` (exit 1) when the model is not good enough, e.g.
# SCORE_ARGS='--must-beat-baseline --min-r2 0'.
SCORE_ARGS ?=
# predict: how many predictions `make demo` prints.
SHOW_TOP ?= 15

# The card (model.bin.json: parameters, training metrics, top terms) comes from the same run.
$(DATA)/model.bin $(DATA)/model.bin.json &: $(DATA)/train_features.parquet $(DATA)/vectorizer.bin $(BIN)/train ## the model and its JSON card
	$(BIN)/train $(DATA)/train_features.parquet --vectorizer $(DATA)/vectorizer.bin -o $(DATA)/model.bin $(TRAIN_ARGS)

# Each scoring also appends a line to metrics.history.jsonl (kept by `make clean`: it is a log).
$(DATA)/metrics.json: $(DATA)/model.bin $(DATA)/test_features.parquet $(BIN)/score ## the model's test metrics (r2 ...)
	$(BIN)/score --model $(DATA)/model.bin $(DATA)/test_features.parquet -o $@ \
	  --history $(DATA)/metrics.history.jsonl $(SCORE_ARGS)

$(DATA)/predictions.parquet: $(DATA)/model.bin $(DATA)/vectorizer.bin $(DATA)/latest.parquet $(BIN)/predict ## predicted comments for the latest stories
	$(BIN)/predict --model $(DATA)/model.bin --vectorizer $(DATA)/vectorizer.bin $(DATA)/latest.parquet -o $@

# Conditional retraining (the managing-ml guide): the new model replaces the champion only when
# score's --against gate says its test r2 beats the champion's recorded r2 (exit 1 = keep the
# champion). The first model becomes the champion. The champion keeps its vectorizer beside it.
.PHONY: promote
promote: $(DATA)/model.bin $(DATA)/metrics.json $(DATA)/test_features.parquet $(BIN)/score ## make model.bin the champion if it beats champion.bin
	@rc=0; if [ -f $(DATA)/champion.metrics.json ]; then \
	  $(BIN)/score -q --model $(DATA)/model.bin $(DATA)/test_features.parquet \
	    --against $(DATA)/champion.metrics.json || rc=$$?; fi; \
	if [ $$rc = 1 ]; then echo "promote: the champion stays"; exit 0; fi; \
	if [ $$rc != 0 ]; then exit $$rc; fi; \
	for pair in model.bin:champion.bin model.bin.json:champion.bin.json \
	    vectorizer.bin:champion.vectorizer.bin metrics.json:champion.metrics.json; do \
	  cp $(DATA)/$${pair%%:*} $(DATA)/.$${pair#*:}.tmp && mv $(DATA)/.$${pair#*:}.tmp $(DATA)/$${pair#*:}; \
	done; echo "promote: model.bin is the new champion"

all: $(DATA)/metrics.json $(DATA)/predictions.parquet
clean: clean-model
.PHONY: clean-model
clean-model:
	rm -f $(DATA)/model.bin $(DATA)/model.bin.json $(DATA)/metrics.json $(DATA)/predictions.parquet

demo: ## run the pipeline offline on the bundled fixture dump, into demo/
	$(MAKE) --no-print-directory DATA=demo SOURCE='--from fixtures/demo-items.jsonl' \
		FETCH_ARGS='--latest 2000 --min-age 2d' LATEST_ARGS='--latest 100' all
	@echo "Predicted comments for the newest stories (demo/predictions.parquet):"
	@$(BIN)/predict -q --model demo/model.bin --vectorizer demo/vectorizer.bin demo/latest.parquet --format table --top $(SHOW_TOP)

test: ## build and run every test (unit and end-to-end)
	$(CARGO) test --release --locked --workspace

clean: ## remove derived assets (fetched stories stay)
	@true

clean-all: clean ## also remove fetched stories and the demo output
	rm -rf $(DATA)/stories.parquet $(DATA)/latest.parquet $(DATA)/.*.journal demo
