#!/usr/bin/env python3
"""Prints the README's headline table: per model, the RBF target log-likelihood of its shipped
checkpoint (from models/NAME.json, as `nplab-cli eval --write-card` stored it) and what the
Memory view's sweep measured at large N: the update time at N = 10^6, the peak memory of one
condition + predict at N = 10^5 and the state's bytes at N = 10^6. Sizes the sweep predicted
rather than ran (past the memory cap or the time limit) are marked "predicted".

    nplab-cli bench sweep --models cmanp,lbanp,lbanp-128,tnpd --n 100000,1000000 --jsonl \
        > docs/bench/cpu/headline.jsonl
    python3 scripts/headline_table.py docs/bench/cpu/headline.jsonl [models/]
"""

import json
import sys
from pathlib import Path

NAMES = {"cmanp": "CMANP", "lbanp": "LBANP", "lbanp-128": "LBANP-128", "tnpd": "TNP-D",
         "tnpkr-scan": "TNP-KR (scan)", "cnp": "CNP"}
CARDS = {"tnpkr-scan": "tnpkr", "lbanp-128": None}


def size(value):
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if value >= scale:
            return f"{value / scale:.1f} {unit}"
    return f"{value:.0f} B"


def duration(microseconds):
    if microseconds >= 3.6e9:
        return f"{microseconds / 3.6e9:.1f} h"
    if microseconds >= 1e6:
        return f"{microseconds / 1e6:.1f} s"
    return f"{microseconds / 1e3:.1f} ms"


def main():
    sweep = Path(sys.argv[1])
    models = Path(sys.argv[2] if len(sys.argv) > 2 else "models")
    points = {}
    for line in sweep.read_text().splitlines():
        if line.strip():
            point = json.loads(line)
            points[(point["model"], point["n"])] = point
    order = list(dict.fromkeys(model for model, _ in points))
    print("| model | RBF target LL | update at N = 10⁶ | memory at N = 10⁵ | state at N = 10⁶ |")
    print("|---|---|---|---|---|")
    for model in order:
        card_name = CARDS.get(model, model)
        ll = "—"
        card = models / f"{card_name}.json" if card_name else None
        if card and card.exists():
            result = json.loads(card.read_text()).get("eval", {}).get("gp-rbf")
            if result:
                ll = f"{result['tar_ll']:.3f} ± {result['tar_ll_se']:.3f}"

        def figure(n, key, show):
            point = points.get((model, n))
            if point is None:
                return "—"
            if point["status"] == "failed":
                return "failed"
            if not point.get(key):
                return "—"
            text = show(point[key])
            # The sweep writes "skipped" for a size it predicted instead of running.
            predicted = point["status"] in ("predicted", "skipped")
            return text + (" (predicted)" if predicted else "")

        print(f"| {NAMES.get(model, model)} | {ll} | {figure(1000000, 'update_us', duration)} | "
              f"{figure(100000, 'peak_bytes', size)} | {figure(1000000, 'state_bytes', size)} |")


if __name__ == "__main__":
    main()
