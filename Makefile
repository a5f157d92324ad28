# The pipeline's asset graph. Every target is a file; every rule names its inputs, including the
# tool binary that makes it and a stamp of its parameters, so `make` rebuilds exactly what is
# stale (also after a variable changed) and `make -j` runs independent steps at once. Tools are
# called by path, never from PATH (our `split` would otherwise meet coreutils' split).
#
#   make            the pipeline on live HN data (needs the network)
#   make demo       the pipeline offline, on the small dump bundled in fixtures/
#   make test       build everything and run every test
#   make help       what each target makes, and the variables

.DELETE_ON_ERROR:
.SUFFIXES:
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c

CARGO   ?= cargo
BIN     := target/release

# ---- Variables (`make help` lists them; `make VAR=value ...` sets them) ----
DATA        ?= data## where every asset goes
HN_API      ?= https://hacker-news.firebaseio.com/v0## base URL of the HN API (or a stand-in)
HN_DUMP     ?=## a JSON Lines dump (.jsonl[.gz]) to read instead of the API
TRAIN_IDS   ?= 100000## ids fetched for training: the newest settled ones, below the predicted
PREDICT_IDS ?= 100## the newest ids, whose stories are predicted for
MIN_AGE     ?= 2d## training stories must be this old (comment counts settled); 0 = no minimum
SEED        ?= 42## seed of the split and of training
FETCH_ARGS  ?=## more hn-fetch options for both fetches, e.g. '--concurrency 16'
SPLIT_ARGS  ?=## split options, e.g. '--by time'
VECTORIZE_ARGS ?=## vectorize fit options, e.g. '--min-df 2 --ngram 1,2'
TRAIN_ARGS  ?= --objective squared-log1p## train options (the default: see README, "Default sizes")
SCORE_ARGS  ?=## score gates that fail the run, e.g. '--must-beat-baseline --min-r2 0'
DRIFT_ARGS  ?=## drift options (thresholds)
PROMOTE_METRIC ?= r2## what promote compares: r2 (the guide's) or spearman (ranking)
PROMOTE_MIN ?= 0## the candidate must beat the champion by more than this
KEEP_MODELS ?= 10## models kept in the registry by promote (never the champion)
SHOW_TOP    ?= 15## predictions `make demo` prints

SOURCE  := $(if $(HN_DUMP),--from $(HN_DUMP),--api $(HN_API))
MIN_AGE_ARG := $(if $(filter 0 0s 0m 0h 0d,$(MIN_AGE)),,--min-age $(MIN_AGE))
# A value inside single quotes for the shell.
q = '$(subst ','\'',$(1))'

TOOLS   := hn-fetch split vectorize train score predict registry outcomes drift report
# Every .rs file under a folder, at any depth, by make's own wildcard: no `find` process on
# every run (it was the first thing each run waited for).
rs_under = $(foreach d,$(wildcard $(1)/*),$(filter %.rs,$(d)) $(call rs_under,$(d)))
SOURCES := Cargo.toml Cargo.lock shared/Cargo.toml $(call rs_under,shared/src) $(call rs_under,tools)

.PHONY: all predict demo test help clean clean-all build refresh latest retrain promote rollback models prune monitor outcomes report FORCE

all: $(DATA)/stories.parquet $(DATA)/latest.parquet ## the whole pipeline: train, score, register, predict with the champion

help: ## list targets and variables
	@echo "Targets:"
	@grep -hE '^[a-zA-Z_$$()/. -]+&?:.*## ' $(MAKEFILE_LIST) | sed -E 's/ ?&?:.*## /\t/; s|[$$][(]DATA[)]|$(DATA)|g; s/^/  /' \
	  | expand -t 32
	@echo "Variables (default):"
	@grep -hE '^[A-Z_]+ +[?]=[^#]*## ' $(MAKEFILE_LIST) | sed -E 's/^([A-Z_]+) +[?]= ?([^#]*)## (.*)/  \1=\2\t\3/' | expand -t 32
	@echo "Parameter stamps live in $(DATA)/.args/: changing a variable remakes exactly what depends on it."

build: $(addprefix $(BIN)/,$(TOOLS)) ## build the tools (release)

# One cargo invocation builds every tool; the stamp keeps make from running it once per binary.
$(BIN)/.built: $(SOURCES)
	$(CARGO) build --release --locked --bins
	@touch $@
$(addprefix $(BIN)/,$(TOOLS)): $(BIN)/.built

# ---- Parameter stamps ----
# A parameter is part of its asset's identity: each step's arguments are written to
# $(DATA)/.args/<step>.args, rewritten only when they change (FORCE runs the comparison every
# time; an unchanged file keeps its time). A rule that lists the stamp reruns exactly when its
# arguments changed.
STAMPS := $(DATA)/.args
STAMP_fetch-latest   = $(SOURCE) --latest $(PREDICT_IDS) $(FETCH_ARGS)
STAMP_fetch-stories  = $(SOURCE) --latest $(TRAIN_IDS) $(MIN_AGE_ARG) $(FETCH_ARGS)
STAMP_split          = --seed $(SEED) $(SPLIT_ARGS)
STAMP_vectorize      = $(VECTORIZE_ARGS)
STAMP_train          = --seed $(SEED) $(TRAIN_ARGS)
STAMP_score          = $(SCORE_ARGS)
STAMP_drift          = --seed $(SEED) $(DRIFT_ARGS)
# The champion's folder: predictions follow the symlink's target, not its time. make's own
# realpath (no `readlink` process between the champion and predict).
STAMP_champion       = $(realpath $(DATA)/champion)
# The recipe is make functions only, which expand to nothing: no shell is started for a stamp
# (there are nine, on every run). A stamp is a few bytes, written in place: a run killed while
# writing one leaves text that differs, so the next run rewrites it and remakes what depends on it.
same = $(and $(findstring x$(1),x$(2)),$(findstring x$(2),x$(1)))
$(STAMPS)/%.args: FORCE | $(STAMPS)/
	$(if $(and $(wildcard $@),$(call same,$(STAMP_$*),$(file <$@))),,$(file >$@,$(STAMP_$*)))
$(STAMPS)/:
	@mkdir -p $@
FORCE:

# ---- Raw data: fetched, never derived, so `make clean` keeps it ----
# The newest id at the source, asked once (one request): both fetches derive their windows from
# it, so they run at the same time (`make -j2`) and never overlap. A changed source or
# PREDICT_IDS asks again, as `-W` (refresh, latest) does.
$(DATA)/newest-id: $(BIN)/hn-fetch $(STAMPS)/fetch-latest.args | $(STAMPS)/ ## the newest id at the source, from which both fetches start (raw data)
	$(BIN)/hn-fetch $(SOURCE) --newest-id -q -o $@

# The newest PREDICT_IDS ids up to newest-id: the stories to predict for (no minimum age: their
# comments are still coming).
$(DATA)/latest.parquet: $(DATA)/newest-id $(BIN)/hn-fetch $(STAMPS)/fetch-latest.args ## the newest stories, to predict for (raw data)
	read -r n <$(DATA)/newest-id; \
	$(BIN)/hn-fetch $(SOURCE) --latest $(PREDICT_IDS) --below $$((n + 1)) $(FETCH_ARGS) -o $@

# Training stories: TRAIN_IDS ids ending at the newest one at least MIN_AGE old, and below the
# PREDICT_IDS newest (--below), so a story predicted for is never a training row. `--since $@`
# makes a rerun incremental (only newer ids, plus stories too young to have settled when
# fetched); changed fetch parameters start afresh. A killed run resumes from its journal.
$(DATA)/stories.parquet: $(DATA)/newest-id $(BIN)/hn-fetch $(STAMPS)/fetch-stories.args ## stories old enough to have settled, for training (raw data)
	read -r n <$(DATA)/newest-id; \
	$(BIN)/hn-fetch $(SOURCE) --latest $(TRAIN_IDS) $(MIN_AGE_ARG) --below $$((n - $(PREDICT_IDS) + 1)) $(FETCH_ARGS) \
	  $(if $(or $(FRESH),$(filter $(STAMPS)/fetch-stories.args,$?)),,--since $@) -o $@

# For cron: fetch again even though the files exist, then rebuild what depends on them. `-W`
# tells make the fetch tool is new, so exactly the rules that run it are stale.
refresh: build ## fetch new stories (incrementally) and the newest, rebuild everything downstream
	$(MAKE) --no-print-directory -W $(BIN)/hn-fetch all
latest: build ## fetch the newest stories again (cron: `latest predict` hourly)
	$(MAKE) --no-print-directory -W $(BIN)/hn-fetch $(DATA)/latest.parquet
retrain: build ## fetch the training window afresh (not incrementally) and train a new candidate
	$(MAKE) --no-print-directory -W $(BIN)/hn-fetch FRESH=1 all

# ---- Features ----
# Train/test split: one run makes both files (a grouped target), written together or not at all.
$(DATA)/train.parquet $(DATA)/test.parquet &: $(DATA)/stories.parquet $(BIN)/split $(STAMPS)/split.args ## train/test split of the stories
	$(BIN)/split $(DATA)/stories.parquet -o $(DATA)/train.parquet --test $(DATA)/test.parquet --seed $(SEED) $(SPLIT_ARGS)

# The vectorizer learns from the training titles only; the same run writes the training features.
$(DATA)/vectorizer.bin $(DATA)/train_features.parquet &: $(DATA)/train.parquet $(BIN)/vectorize $(STAMPS)/vectorize.args ## TF-IDF vectorizer + training features
	$(BIN)/vectorize fit $(DATA)/train.parquet --vectorizer $(DATA)/vectorizer.bin -o $(DATA)/train_features.parquet $(VECTORIZE_ARGS)

$(DATA)/test_features.parquet: $(DATA)/test.parquet $(DATA)/vectorizer.bin $(BIN)/vectorize ## TF-IDF features of the test set
	$(BIN)/vectorize transform $(DATA)/test.parquet --vectorizer $(DATA)/vectorizer.bin -o $@

# ---- Model: train, score (the gate), register ----
# The card (model.bin.json: parameters, training metrics, top terms) comes from the same run.
$(DATA)/model.bin $(DATA)/model.bin.json &: $(DATA)/train_features.parquet $(DATA)/vectorizer.bin $(BIN)/train $(STAMPS)/train.args ## the candidate model and its JSON card
	$(BIN)/train $(DATA)/train_features.parquet --vectorizer $(DATA)/vectorizer.bin -o $(DATA)/model.bin --seed $(SEED) $(TRAIN_ARGS)

# Scoring appends one line to metrics.history.jsonl (a log: `make clean` keeps it). A gate in
# SCORE_ARGS that says no (exit 1) keeps its report: the rule succeeds, leaves a marker, and the
# gate asset below fails the run, now and on every rerun, without scoring (or logging) again.
GATE_FAILED := $(STAMPS)/score.gate-failed
$(DATA)/metrics.json: $(DATA)/model.bin $(DATA)/test_features.parquet $(BIN)/score $(STAMPS)/score.args ## the candidate's test metrics (r2 ...)
	$(BIN)/score --model $(DATA)/model.bin $(DATA)/test_features.parquet -o $@ \
	  --history $(DATA)/metrics.history.jsonl $(SCORE_ARGS) && rm -f $(GATE_FAILED) \
	  || { rc=$$?; [ $$rc = 1 ] && touch $(GATE_FAILED) || exit $$rc; }

$(STAMPS)/score.passed: $(DATA)/metrics.json
	@if [ -e $(GATE_FAILED) ]; then \
	  echo "make: a score gate said no (SCORE_ARGS=$(SCORE_ARGS)); the report is $(DATA)/metrics.json" >&2; exit 1; fi; \
	  touch $@

# Drift at training time: the newest stories against the training stories, with the candidate.
# Exit 1 (drift found) is a result, not a failure: the report says it; `make monitor` acts on it.
# Too few newest stories for any check (the guide's PREDICT_IDS=100 has about 15) does not stop
# the pipeline either: --allow-too-few writes drift.json saying no check ran, and warns. Any
# other trouble (exit 2) does stop it.
$(DATA)/drift.json $(DATA)/drift.html &: $(DATA)/train.parquet $(DATA)/latest.parquet $(DATA)/model.bin $(DATA)/vectorizer.bin $(DATA)/metrics.json $(BIN)/drift $(STAMPS)/drift.args ## drift of the newest stories from the training stories (JSON + HTML)
	$(BIN)/drift --reference $(DATA)/train.parquet --current $(DATA)/latest.parquet \
	  --model $(DATA)/model.bin --vectorizer $(DATA)/vectorizer.bin --baseline $(DATA)/metrics.json \
	  -o $(DATA)/drift.json --html $(DATA)/drift.html --seed $(SEED) --allow-too-few $(DRIFT_ARGS) 2>$(STAMPS)/drift.err \
	  || rc=$$?; cat $(STAMPS)/drift.err >&2; [ $${rc:-0} -le 1 ]
REGISTER_DRIFT := --drift $(DATA)/drift.json

# Every model that passed the gates is kept in $(DATA)/models/<id>/ with what made it; the
# stamp holds its id. The same model is registered once.
REGISTER_SETTINGS = $(foreach v,HN_API HN_DUMP TRAIN_IDS PREDICT_IDS MIN_AGE SEED FETCH_ARGS SPLIT_ARGS VECTORIZE_ARGS TRAIN_ARGS SCORE_ARGS DRIFT_ARGS,--set $(call q,$(v)=$($(v))))
$(STAMPS)/registered: $(STAMPS)/score.passed $(DATA)/model.bin $(DATA)/vectorizer.bin $(DATA)/train.parquet $(DATA)/drift.json $(BIN)/registry
	$(BIN)/registry add --data $(DATA) --model $(DATA)/model.bin --vectorizer $(DATA)/vectorizer.bin \
	  --metrics $(DATA)/metrics.json --reference $(DATA)/train.parquet $(REGISTER_DRIFT) $(REGISTER_SETTINGS) >$@.tmp \
	  && mv -f $@.tmp $@

# ---- The champion: the registered model that serves predictions ----
# The first registered model becomes the champion; after that only `make promote` (or
# rollback) switches it.
$(DATA)/champion: | $(STAMPS)/registered
	$(BIN)/registry promote --data $(DATA) --candidate $$(cat $(STAMPS)/registered) --test $(DATA)/test.parquet --metric $(PROMOTE_METRIC)
$(STAMPS)/champion.args: | $(DATA)/champion

promote: $(STAMPS)/registered $(DATA)/test.parquet $(BIN)/registry ## make the candidate the champion if it beats it on the current test stories
	$(BIN)/registry promote --data $(DATA) --candidate $$(cat $(STAMPS)/registered) --test $(DATA)/test.parquet \
	  --metric $(PROMOTE_METRIC) --min-improvement $(PROMOTE_MIN) $(if $(PROMOTE_REASON),--reason $(call q,$(PROMOTE_REASON)))
	$(BIN)/registry prune --data $(DATA) --keep $(KEEP_MODELS)

rollback: $(BIN)/registry ## return to the previous champion
	$(BIN)/registry rollback --data $(DATA)

models: $(BIN)/registry ## list the registered models (id, time, metrics, settings; * = champion)
	@$(BIN)/registry list --data $(DATA)

prune: $(BIN)/registry ## remove all but the newest KEEP_MODELS models (never the champion)
	$(BIN)/registry prune --data $(DATA) --keep $(KEEP_MODELS)

# ---- Predictions, always by the champion; every run is kept in $(DATA)/predictions/ ----
# The kept copy is a hard link: predict replaces predictions.parquet by renaming a new file over
# it, which leaves the kept inode as it was. The time comes from bash's printf (no `date`).
$(DATA)/predictions.parquet: $(DATA)/latest.parquet $(STAMPS)/champion.args $(BIN)/predict ## predicted comments for the newest stories, by the champion
	$(BIN)/predict --model $(DATA)/champion/model.bin --vectorizer $(DATA)/champion/vectorizer.bin $(DATA)/latest.parquet -o $@; \
	  mkdir -p $(DATA)/predictions; TZ=UTC printf -v t '%(%Y%m%dT%H%M%SZ)T' $${HN_NOW:--1}; \
	  { ln -f $@ $(DATA)/predictions/.$$t.tmp 2>/dev/null || cp $@ $(DATA)/predictions/.$$t.tmp; } && mv -f $(DATA)/predictions/.$$t.tmp $(DATA)/predictions/$$t.parquet
predict: $(DATA)/predictions.parquet ## predictions for the newest stories (the guide's `predict`)

all: $(STAMPS)/registered $(DATA)/predictions.parquet $(DATA)/drift.json

# ---- The loop: monitor, outcomes ----
# The newest stories against the champion's training stories, with the champion. On drift:
# retrain (whatever is stale) and promote if better; the verdict goes to drift.history.jsonl,
# the decision to champion.history.jsonl, the outcome to stderr. `predict` runs in a make of its
# own after the promotion: the champion a make run predicts with is read when the Makefile is
# (champion.args), so the run that promotes still predicted with the champion before it.
monitor: $(DATA)/latest.parquet $(STAMPS)/champion.args $(BIN)/drift ## drift check against the champion; on drift retrain and promote if better
	@ref=$(DATA)/champion/train.parquet; [ -e $$ref ] || ref=$(DATA)/train.parquet; rc=0; \
	$(BIN)/drift --reference $$ref --current $(DATA)/latest.parquet \
	  --model $(DATA)/champion/model.bin --vectorizer $(DATA)/champion/vectorizer.bin --baseline $(DATA)/champion/metrics.json \
	  -o $(DATA)/monitor.json --html $(DATA)/monitor.html --history $(DATA)/drift.history.jsonl --seed $(SEED) \
	  --allow-too-few $(DRIFT_ARGS) || rc=$$?; \
	case $$rc in \
	  0) if grep -q '"dataset_drift": *null' $(DATA)/monitor.json; then what="no drift check ran (see the warning above)"; \
	     else what="no drift"; fi; echo "monitor: $$what: the champion $$(readlink $(DATA)/champion) keeps serving" >&2 ;; \
	  1) echo "monitor: drift: retraining and promoting if better" >&2; \
	     $(MAKE) --no-print-directory all promote PROMOTE_REASON='monitor: drift' && \
	     $(MAKE) --no-print-directory predict ;; \
	  *) exit $$rc ;; \
	esac

outcomes: $(DATA)/stories.parquet $(BIN)/outcomes ## score earlier predictions against the comment counts they settled at
	@ls $(DATA)/predictions/*.parquet >/dev/null 2>&1 || { \
	  echo "outcomes: no kept predictions in $(DATA)/predictions/ yet: run make predict first" >&2; exit 2; }
	$(BIN)/outcomes $(DATA)/predictions/*.parquet --stories $(DATA)/stories.parquet \
	  --history $(DATA)/outcomes.history.jsonl --min-age $(if $(MIN_AGE_ARG),$(MIN_AGE),0) >/dev/null

report: $(BIN)/report ## one self-contained HTML page: assets, models, drift, outcomes, predictions
	$(BIN)/report --data $(DATA) --makefile Makefile -o $(DATA)/report.html

# ---- Demo, tests, cleaning ----
# The demo's variables, the same for every sub-make so that its stamps (and the report's view of
# what is stale) agree.
DEMO_VARS := DATA=demo HN_DUMP=fixtures/demo-items.jsonl TRAIN_IDS=1900 PREDICT_IDS=100 MIN_AGE=2d
demo: ## run the pipeline offline on the bundled fixture dump, into demo/
	$(MAKE) --no-print-directory $(DEMO_VARS) all
	@echo "Predicted for $$($(BIN)/predict -q --model demo/champion/model.bin --vectorizer demo/champion/vectorizer.bin demo/latest.parquet --format csv \
	  | awk -F, 'NR>1{n++; if(!lo||$$1<lo)lo=$$1; if($$1>hi)hi=$$1} END{print n" stories, ids "lo".."hi}'); trained on \
	$$($(BIN)/predict -q --model demo/champion/model.bin --vectorizer demo/champion/vectorizer.bin demo/train.parquet --format csv \
	  | awk -F, 'NR>1{n++; if($$1>hi)hi=$$1} END{print n" stories, ids up to "hi}') (hn-fetch --below: none in common)"
	@echo "Drift of the newest stories from the training stories (demo/drift.html):"
	@cat demo/.args/drift.err
	@echo "Models (demo/models; * = champion):"
	@$(BIN)/registry list --data demo
	@echo "Predicted comments for the newest stories, by the champion (demo/predictions.parquet):"
	@$(BIN)/predict -q --model demo/champion/model.bin --vectorizer demo/champion/vectorizer.bin demo/latest.parquet --format table --top $(SHOW_TOP)
	$(MAKE) --no-print-directory $(DEMO_VARS) report

test: ## build and run every test (unit and end-to-end), then rustfmt's and clippy's checks (where installed)
	$(CARGO) test --release --locked --workspace
	@if $(CARGO) fmt --version >/dev/null 2>&1; then $(CARGO) fmt --all --check; \
	else echo "make test: cargo fmt is not installed: formatting not checked" >&2; fi
	@if $(CARGO) clippy --version >/dev/null 2>&1; then \
	  $(CARGO) clippy --release --locked --workspace --all-targets -q -- -D warnings; \
	else echo "make test: cargo clippy is not installed: lints skipped" >&2; fi

# Derived assets go; fetched stories, the registry, the champion and the histories stay.
clean: ## remove derived assets (fetched stories, models/, champion and histories stay)
	rm -f $(DATA)/train.parquet $(DATA)/test.parquet $(DATA)/vectorizer.bin \
	  $(DATA)/train_features.parquet $(DATA)/test_features.parquet \
	  $(DATA)/model.bin $(DATA)/model.bin.json $(DATA)/metrics.json $(DATA)/predictions.parquet \
	  $(DATA)/drift.json $(DATA)/drift.html $(DATA)/monitor.json $(DATA)/monitor.html $(DATA)/report.html
	rm -rf $(STAMPS)

clean-all: clean ## also remove fetched stories, the registry, the histories and the demo output
	rm -rf $(DATA)/newest-id $(DATA)/stories.parquet $(DATA)/latest.parquet $(DATA)/.*.journal $(DATA)/models $(DATA)/champion \
	  $(DATA)/predictions $(DATA)/*.history.jsonl demo
