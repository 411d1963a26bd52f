#!/usr/bin/env python3
"""Writes the example sessions and sample images in resources/examples/ (File > Open Example).

    python3 scripts/make_examples.py

Deterministic: the same files on every run. The sessions name their checkpoints by file name
(cmanp.pt, …), which the app finds among the models it offers wherever it is installed, and
their images by a path beside the session.
"""

import json
import math
import random
import struct
import zlib
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "resources" / "examples"
SIDE = 28


def write_png(path, pixels):
    """An 8-bit greyscale PNG of SIDE x SIDE values in [0, 1]."""
    rows = b"".join(b"\0" + bytes(round(255 * min(max(v, 0.0), 1.0)) for v in row) for row in pixels)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", SIDE, SIDE, 8, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) +
                     chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


def smooth_step(distance, width=0.9):
    """1 inside a stroke, falling to 0 over `width` pixels: anti-aliased edges."""
    return min(max(0.5 - distance / width, 0.0), 1.0) if width else float(distance <= 0)


def ring():
    centre, radius, half_width = 13.5, 8.5, 2.2
    return [[smooth_step(abs(math.hypot(x - centre, y - centre) - radius) - half_width)
             for x in range(SIDE)] for y in range(SIDE)]


def segment_distance(px, py, ax, ay, bx, by):
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def letter_n():
    strokes = [(8, 22, 8, 5), (8, 5, 19, 22), (19, 22, 19, 5)]
    return [[smooth_step(min(segment_distance(x, y, *s) for s in strokes) - 1.8)
             for x in range(SIDE)] for y in range(SIDE)]


def checkpoint(name, dim_x=1):
    return {"source": "checkpoint", "path": name, "dim_x": dim_x, "dim_y": 1}


def session(title, view, points=(), compare=None, images=None, settings=None):
    body = {"format": "nplab-session", "version": 1, "title": title, "view": view,
            "model": checkpoint("cmanp.pt"), "points": [list(p) for p in points]}
    if compare:
        body["compare"] = checkpoint(compare)
    if settings:
        body["settings"] = settings
    if images:
        body["images"] = images
    return body


def wave(x):
    return math.sin(2.2 * x) + 0.3 * math.cos(5.0 * x)


def revealed_pixels(fraction, seed):
    pixels = list(range(SIDE * SIDE))
    random.Random(seed).shuffle(pixels)
    return sorted(pixels[: round(fraction * len(pixels))])


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "images").mkdir(exist_ok=True)
    write_png(OUT / "images" / "ring.png", ring())
    write_png(OUT / "images" / "letter-n.png", letter_n())

    gap_x = [-1.9 + 0.1 * i for i in range(39) if abs(-1.9 + 0.1 * i) > 0.65]
    examples = {
        "gap.nplab.json": session(
            "A gap in the context: both bands widen where there are no points",
            "functions", [(round(x, 2), round(wave(x), 4)) for x in gap_x], compare="tnpd.pt"),
        "three-points.nplab.json": session(
            "Three points: how far CMANP and TNP-D trust them",
            "functions", [(-1.2, 0.4), (0.1, -0.6), (1.3, 0.9)], compare="tnpd.pt"),
        "trouser.nplab.json": session(
            "A Fashion-MNIST trouser with a fifth of its pixels revealed",
            "images", images={"image": {"source": "fashion-mnist", "index": 2},
                              "model": checkpoint("fmnist-cmanp.pt", 2),
                              "revealed": revealed_pixels(0.2, 1), "resolution": 2}),
        "ring.nplab.json": session(
            "A ring, a shape none of the image models saw in training",
            "images", images={"image": {"source": "file", "path": "images/ring.png"},
                              "model": checkpoint("fmnist-cmanp.pt", 2),
                              "revealed": revealed_pixels(0.3, 2), "resolution": 2}),
    }
    for name, body in examples.items():
        (OUT / name).write_text(json.dumps(body, indent=1) + "\n")


if __name__ == "__main__":
    main()
