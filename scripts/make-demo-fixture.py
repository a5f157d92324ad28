#!/usr/bin/env python3
"""Write fixtures/demo-items.jsonl: a small synthetic dump of Hacker News items for `make demo`.

Deterministic (fixed seed, no inputs): running it again gives the same bytes.

    python3 scripts/make-demo-fixture.py > fixtures/demo-items.jsonl

2,000 consecutive ids in the API's item shape, as `GET /v0/item/<id>.json` returns them, with
times in March 2024 that grow with the id. Mostly stories (with and without url, Ask HN with
text, Show HN), and comments, jobs (no descendants), polls with their pollopts, deleted items
(only id/time/type/deleted), dead items, items missing fields, titles with HTML entities and
non-ASCII text.

Titles carry a learnable signal for the later pipeline steps: some subjects and words draw more
comments than others (with plenty of noise), so a model trained on the demo scores a positive R².
"""
import json
import math
import random
import sys

SEED = 20240301
FIRST_ID = 39_600_001
N_ITEMS = 2_000
START = 1_709_251_200  # 2024-03-01T00:00:00Z

# (subject, weight on log comment count): positive ones draw discussion.
SUBJECTS = [
    ("Rust", 0.8), ("Python", 0.3), ("Linux", 0.5), ("Google", 0.9), ("Apple", 0.9), ("OpenAI", 1.1),
    ("AI", 0.9), ("LLMs", 1.0), ("remote work", 1.0), ("layoffs", 1.2), ("privacy", 0.8),
    ("startups", 0.6), ("SQLite", 0.2), ("Postgres", 0.3), ("Kubernetes", 0.4), ("WebAssembly", 0.1),
    ("the EU", 0.9), ("salaries", 1.1), ("open source", 0.5), ("Emacs", 0.4), ("Vim", 0.4),
    ("the fediverse", 0.3), ("nuclear power", 0.7), ("housing", 0.8), ("C++", 0.5), ("Go", 0.3),
    ("a 6502 emulator", -0.6), ("typography", -0.5), ("knot theory", -0.9), ("a 1970s calculator", -0.8),
    ("medieval manuscripts", -0.9), ("bird migration", -0.7), ("prime numbers", -0.6),
    ("a lighthouse keeper", -0.8), ("fountain pens", -0.7), ("tide tables", -1.0),
]
TEMPLATES = [
    ("{s} is eating the world", 0.3), ("Why I stopped using {s}", 0.7), ("The case against {s}", 0.6),
    ("A brief history of {s}", -0.4), ("Notes on {s}", -0.3), ("{s} in 2024", 0.2),
    ("What happened to {s}?", 0.5), ("An illustrated guide to {s}", -0.3), ("{s}: a retrospective", -0.2),
    ("Everything you know about {s} is wrong", 0.6), ("How we scaled {s}", 0.1),
    ("The hidden cost of {s}", 0.5), ("I built a tiny {s}", -0.1), ("On {s}", -0.2),
]
ASK = [
    "Ask HN: How do you deal with {s}?", "Ask HN: Is {s} worth learning in 2024?",
    "Ask HN: What do you think about {s}?", "Ask HN: Who is hiring? (March 2024)",
]
SHOW = ["Show HN: A {s} playground in the browser", "Show HN: I made a {s} tracker", "Show HN: {s} from scratch"]
SUFFIXES = [("", 0.0)] * 12 + [(" [pdf]", -0.7), (" (2019)", -0.5), (" (1998)", -0.6), (" [video]", -0.3)]
# Entities as the API and old dumps sometimes carry them, and non-ASCII text.
ODDITIES = [
    "Tom &amp; Jerry&#x27;s guide to {s}", "&quot;{s}&quot; considered harmful", "{s} &#8212; the good parts",
    "Zürich’s {s} meetup", "Café culture and {s}", "{s} in 日本", "Ελληνικά and {s}", "{s} 🚀",
    "Naïve {s} — a rant", "{s} for señors",
]
DOMAINS = ["github.com", "nytimes.com", "arstechnica.com", "blog.example.org", "lwn.net", "arxiv.org",
           "medium.com", "theverge.com", "substack.com", "youtube.com"]
USERS = [f"user{i}" for i in range(1, 300)] + ["pg", "dang", "tptacek", "patio11", "jacquesm"]


def story_title(rng):
    """A title and the log-scale comment weight it carries."""
    s, w = rng.choice(SUBJECTS)
    r = rng.random()
    if r < 0.10:
        return rng.choice(ASK).format(s=s), w + 1.0, "ask"
    if r < 0.20:
        return rng.choice(SHOW).format(s=s), w + 0.2, "show"
    if r < 0.26:
        return rng.choice(ODDITIES).format(s=s), w, "story"
    t, tw = rng.choice(TEMPLATES)
    suffix, sw = rng.choice(SUFFIXES)
    title = t.format(s=s) + suffix
    return title[0].upper() + title[1:], w + tw + sw, "story"


def comments_for(rng, weight):
    mean = math.exp(1.6 + weight + rng.gauss(0, 0.35))
    n = int(rng.gammavariate(4.0, mean / 4.0))
    return 0 if rng.random() < 0.06 else min(n, 2_500)


def main():
    rng = random.Random(SEED)
    out = []
    t = START
    item_id = FIRST_ID
    stories = []
    while item_id < FIRST_ID + N_ITEMS:
        t += rng.randint(20, 250)
        r = rng.random()
        base = {"id": item_id, "time": t}
        if r < 0.020:
            kind = rng.choice(["story", "comment", "comment"])
            item = dict(base, deleted=True, type=kind)
        elif r < 0.17 and stories:
            parent = rng.choice(stories[-50:])
            item = dict(base, by=rng.choice(USERS), parent=parent, text="I think this &amp; that.", type="comment")
            if rng.random() < 0.05:
                item["dead"] = True
        elif r < 0.185:
            item = dict(base, by=rng.choice(USERS), score=1, title=f"{rng.choice(['Acme', 'Initech', 'Hooli'])} "
                        f"(YC S{rng.randint(10, 23)}) is hiring a {rng.choice(['Rust engineer', 'designer', 'SRE'])}",
                        type="job", url=f"https://jobs.example.com/{item_id}")
        elif r < 0.19 and item_id + 4 < FIRST_ID + N_ITEMS:
            n_opts = rng.randint(2, 4)
            opts = list(range(item_id + 1, item_id + 1 + n_opts))
            title, w, _ = story_title(rng)
            item = dict(base, by=rng.choice(USERS), descendants=comments_for(rng, w + 0.5), parts=opts,
                        score=rng.randint(5, 300), title="Poll: " + title, type="poll")
            out.append(item)
            for o in opts:
                t += rng.randint(1, 5)
                out.append({"by": item["by"], "id": o, "poll": item_id, "score": rng.randint(0, 200),
                            "text": f"Option {o - item_id}", "time": t, "type": "pollopt"})
            item_id = opts[-1] + 1
            continue
        else:
            title, w, kind = story_title(rng)
            n = comments_for(rng, w)
            item = dict(base, by=rng.choice(USERS), descendants=n, score=max(1, int(n * rng.uniform(0.5, 3)) + 1),
                        title=title, type="story")
            if kind == "ask":
                item["text"] = "Curious what others do &#x2F; think."
            else:
                item["url"] = f"https://{rng.choice(DOMAINS)}/{item_id}"
            if n and rng.random() < 0.8:
                item["kids"] = [item_id + 1000 + k for k in range(min(n, 5))]
            if rng.random() < 0.02:
                item["dead"] = True
            if rng.random() < 0.01:
                del item["descendants"]  # the API omits it now and then
            if rng.random() < 0.01:
                del item["by"]
            stories.append(item_id)
        out.append(item)
        item_id += 1
    for item in out:
        sys.stdout.write(json.dumps(item, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
