#!/usr/bin/env python3
"""Prints docs/models.md's tables of shipped checkpoints from their model cards (models/*.json).

Standard errors are over batch means (`"se": "batch_means"` in the card): the tasks of a batch
share their point counts, so the per-task SE would understate the uncertainty ~2.5x.
Every number comes from a card: the training run's steps and wall time as `nplab-cli train`
wrote them, and the evaluations exactly as `nplab-cli eval --write-card` stored them. Standard
library only, so it runs without the project's venv:

    python3 scripts/model_table.py [models/]
"""

import json
import sys
from pathlib import Path

GP_DATA = [("gp-rbf", "RBF"), ("gp-matern", "Matérn 5/2"), ("gp-periodic", "periodic"),
           ("gp-tnoise", "t-noise")]
IMAGE_DATA = [("image-fmnist-seen", "FMNIST seen (0–4)"),
              ("image-fmnist-unseen", "FMNIST unseen (5–9)")]
NAMES = {"cmanp": "CMANP", "tnpd": "TNP-D", "lbanp": "LBANP", "tnpkr": "TNP-KR, scan",
         "tnpkr-scan": "TNP-KR, scan", "cnp": "CNP"}


def cell(card, data):
    result = card.get("eval", {}).get(data)
    if result is None:
        return "—"
    # Cards evaluated before the SE over batch means carry the (too small) per-task SE: say so.
    marker = "" if result.get("se") == "batch_means" else " (per-task SE)"
    return f"{result['tar_ll']:.3f} ± {result['tar_ll_se']:.3f}{marker}"


def coverage(card, data):
    result = card.get("eval", {}).get(data, {})
    if "coverage_1sd" not in result:
        return "—"
    return f"{100 * result['coverage_1sd']:.1f}% / {100 * result['coverage_2sd']:.1f}%"


def calibration_table(cards, data_sets, first_column):
    lines = [f"| {first_column} | " + " | ".join(f"{name}: ±1σ / ±2σ" for _, name in data_sets) + " |",
             "|---|" + "---:|" * len(data_sets)]
    for path, card in cards:
        model = NAMES.get(card.get("registry_name", card["model"]), card["model"])
        lines.append(f"| `models/{path.stem}.pt` ({model}) | " +
                     " | ".join(coverage(card, data) for data, _ in data_sets) + " |")
    return "\n".join(lines)


def steps(card):
    text = f"{card['steps']:,} of {card['schedule_steps']:,}"
    hours = card.get("wall_seconds", 0) / 3600
    return f"{text} ({card.get('device', '?')}, {hours:.1f} h)"


def batches(card, data_sets):
    counts = {card["eval"][d]["batches"] for d, _ in data_sets if d in card.get("eval", {})}
    return "/".join(str(c) for c in sorted(counts)) or "—"


def table(cards, data_sets, first_column):
    header = f"| {first_column} | steps trained | eval batches × 16 | " + " | ".join(
        name for _, name in data_sets) + " |"
    lines = [header, "|---|---:|---:|" + "---:|" * len(data_sets)]
    for path, card in cards:
        model = NAMES.get(card.get("registry_name", card["model"]), card["model"])
        row = [f"`models/{path.stem}.pt` ({model})", steps(card), batches(card, data_sets)]
        row += [cell(card, data) for data, _ in data_sets]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def main():
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "models")
    cards = [(path, json.loads(path.read_text())) for path in sorted(folder.glob("*.json"))]
    gp = [(p, c) for p, c in cards if c["config"].get("dim_x", 1) == 1]
    images = [(p, c) for p, c in cards if c["config"].get("dim_x", 1) == 2]
    print(table(gp, GP_DATA, "checkpoint"))
    print()
    print(table(images, IMAGE_DATA, "image checkpoint"))
    print()
    print("Coverage of the target values by the predictive bands (calibrated: 68.3% / 95.4%):")
    print()
    print(calibration_table(gp, GP_DATA[:2], "checkpoint"))
    print()
    print(calibration_table(images, IMAGE_DATA, "image checkpoint"))


if __name__ == "__main__":
    main()
