#!/usr/bin/env python3
"""Training throughput of NPLab against PyTorch itself, on this machine.

For each model (CMANP, TNP-D, LBANP) and thread count (1 and 2) it times NPLab's
`nplab-cli train --data gp-rbf` and an independent PyTorch implementation of the same model
(DESIGN.md §4: same widths, depths, latents, attention and feed-forward forms) trained on the
same task shapes (batch 16, N_ctx ~ U{3, 47}, N_tar ~ U{3, 50 - N_ctx}, Adam 5e-4, cosine
schedule, gradient norm clipped at 1.0, as `nplab-cli train` defaults to). Runs are interleaved
(NPLab, PyTorch, NPLab, ...) so that a busy machine slows both alike, and medians are reported.

It also counts the floating-point operations of a training step exactly (torch's FlopCounterMode
over forward and backward, averaged over the timed steps) and prints the GFLOP/s each side
achieves against this machine's fp32 matmul rate, measured here with the same thread count.

    .venv/bin/python scripts/bench_train_vs_pytorch.py [--cli build/bin/nplab-cli]
        [--models cmanp,tnpd,lbanp] [--threads 1,2] [--repeats 3] [--seconds 20]

Each run trains for about --seconds (the step count comes from a short calibration run), so the
first step's set-up is a small, equal share on both sides. Pause other CPU work while it runs.
"""

import argparse
import json
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import warnings

warnings.filterwarnings("ignore", message="Failed to initialize NumPy")  # torch without numpy
import torch  # noqa: E402
from torch import nn  # noqa: E402
from torch.nn import functional as F  # noqa: E402

D_MODEL, HEADS, LAYERS, FEEDFORWARD = 64, 4, 6, 128
BATCH, MAX_POINTS, MIN_POINTS = 16, 50, 3


# ---------------------------------------------------------------------------------------------
# Tasks: 1-D GP samples with an RBF kernel (DESIGN.md §5).

def gp_rbf_batch(generator):
    n_ctx = int(torch.randint(MIN_POINTS, 48, (1,), generator=generator))
    n_tar = int(torch.randint(MIN_POINTS, MAX_POINTS - n_ctx + 1, (1,), generator=generator))
    n = n_ctx + n_tar
    x = torch.rand(BATCH, n, 1, generator=generator) * 4 - 2
    lengthscale = 0.1 + 0.5 * torch.rand(BATCH, 1, 1, generator=generator)
    scale = 0.1 + 0.9 * torch.rand(BATCH, 1, 1, generator=generator)
    distance = (x - x.transpose(1, 2)).pow(2)
    covariance = scale.pow(2) * torch.exp(-0.5 * distance / lengthscale.pow(2))
    covariance = covariance + 0.02 ** 2 * torch.eye(n)
    y = torch.linalg.cholesky(covariance) @ torch.randn(BATCH, n, 1, generator=generator)
    return x[:, :n_ctx], y[:, :n_ctx], x[:, n_ctx:], y[:, n_ctx:]


# ---------------------------------------------------------------------------------------------
# Building blocks, as DESIGN.md §4 and the reference implementations write them.

def embedding_mlp(dim_in):
    return nn.Sequential(nn.Linear(dim_in, D_MODEL), nn.ReLU(), nn.Linear(D_MODEL, D_MODEL),
                         nn.ReLU(), nn.Linear(D_MODEL, D_MODEL), nn.ReLU(),
                         nn.Linear(D_MODEL, D_MODEL))


def predictor_head():
    return nn.Sequential(nn.Linear(D_MODEL, FEEDFORWARD), nn.ReLU(), nn.Linear(FEEDFORWARD, 2))


class Attention(nn.Module):
    """Multi-head attention with bias-free q/kv projections and a biased output projection."""

    def __init__(self):
        super().__init__()
        self.to_q = nn.Linear(D_MODEL, D_MODEL, bias=False)
        self.to_kv = nn.Linear(D_MODEL, 2 * D_MODEL, bias=False)
        self.to_out = nn.Linear(D_MODEL, D_MODEL)

    def forward(self, x, context):
        def heads(t):
            return t.view(t.shape[0], t.shape[1], HEADS, -1).transpose(1, 2)

        q = heads(self.to_q(x))
        k, v = (heads(t) for t in self.to_kv(context).chunk(2, -1))
        out = F.scaled_dot_product_attention(q, k, v)
        return self.to_out(out.transpose(1, 2).reshape(x.shape[0], x.shape[1], D_MODEL))


class PreNormAttention(nn.Module):
    """x' = attention(LN(x), LN_ctx(ctx)) + LN(x): the normalised input is added back."""

    def __init__(self, cross):
        super().__init__()
        self.norm = nn.LayerNorm(D_MODEL)
        self.norm_context = nn.LayerNorm(D_MODEL) if cross else None
        self.attention = Attention()

    def forward(self, x, context=None):
        normed = self.norm(x)
        context = self.norm_context(context) if self.norm_context is not None else normed
        return self.attention(normed, context) + normed


class PreNormGEGLU(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm = nn.LayerNorm(D_MODEL)
        self.proj_in = nn.Linear(D_MODEL, 2 * FEEDFORWARD)
        self.proj_out = nn.Linear(FEEDFORWARD, D_MODEL)

    def forward(self, x):
        normed = self.norm(x)
        a, gate = self.proj_in(normed).chunk(2, -1)
        return self.proj_out(a * F.gelu(gate)) + normed


def gaussian_nll(raw, y):
    mean, raw_std = raw.chunk(2, -1)
    return -torch.distributions.Normal(mean, torch.exp(raw_std)).log_prob(y).sum(-1).mean()


class LatentDecoder(nn.Module):
    """Per layer l the targets cross-attend to encoder layer l's latents (+FF); LN; head."""

    def __init__(self):
        super().__init__()
        self.query_embedder = embedding_mlp(1)
        self.attention = nn.ModuleList(PreNormAttention(True) for _ in range(LAYERS))
        self.feedforward = nn.ModuleList(PreNormGEGLU() for _ in range(LAYERS))
        self.norm = nn.LayerNorm(D_MODEL)
        self.head = predictor_head()

    def forward(self, xt, latents_per_layer):
        x = self.query_embedder(xt)
        for attention, feedforward, latents in zip(self.attention, self.feedforward,
                                                   latents_per_layer):
            x = feedforward(attention(x, latents))
        return self.head(self.norm(x))


class CMAB(nn.Module):
    """X = SA(CA(L_B, D)) and out = SA(CA(L_I, X)), each attention followed by a feed-forward."""

    def __init__(self, latents=128):
        super().__init__()
        self.latents = nn.Parameter(torch.randn(latents, D_MODEL))
        self.layer_cross_attn, self.layer_cross_ff = PreNormAttention(True), PreNormGEGLU()
        self.layer_self_attn, self.layer_self_ff = PreNormAttention(False), PreNormGEGLU()
        self.cross_attn, self.cross_ff = PreNormAttention(True), PreNormGEGLU()
        self.self_attn, self.self_ff = PreNormAttention(False), PreNormGEGLU()

    def forward(self, context, input_latents):
        block = self.latents.unsqueeze(0).expand(context.shape[0], -1, -1)
        block = self.layer_cross_ff(self.layer_cross_attn(block, context))
        block = self.layer_self_ff(self.layer_self_attn(block))
        x = self.cross_ff(self.cross_attn(input_latents, block))
        return self.self_ff(self.self_attn(x))


class CMANP(nn.Module):
    def __init__(self):
        super().__init__()
        self.latents = nn.Parameter(torch.randn(128, D_MODEL))
        self.embedder = embedding_mlp(2)
        self.encoder = nn.ModuleList(CMAB() for _ in range(LAYERS))
        self.decoder = LatentDecoder()

    def loss(self, xc, yc, xt, yt):
        context = self.embedder(torch.cat([xc, yc], -1))
        latents, per_layer = self.latents.unsqueeze(0).expand(xc.shape[0], -1, -1), []
        for block in self.encoder:
            latents = block(context, latents)
            per_layer.append(latents)
        return gaussian_nll(self.decoder(xt, per_layer), yt)


class LBANP(nn.Module):
    def __init__(self, latents=8):
        super().__init__()
        self.latents = nn.Parameter(torch.randn(latents, D_MODEL))
        self.embedder = embedding_mlp(2)
        self.cross_attn = nn.ModuleList(PreNormAttention(True) for _ in range(LAYERS))
        self.cross_ff = nn.ModuleList(PreNormGEGLU() for _ in range(LAYERS))
        self.self_attn = nn.ModuleList(PreNormAttention(False) for _ in range(LAYERS))
        self.self_ff = nn.ModuleList(PreNormGEGLU() for _ in range(LAYERS))
        self.decoder = LatentDecoder()

    def loss(self, xc, yc, xt, yt):
        context = self.embedder(torch.cat([xc, yc], -1))
        latents, per_layer = self.latents.unsqueeze(0).expand(xc.shape[0], -1, -1), []
        for l in range(LAYERS):
            latents = self.cross_ff[l](self.cross_attn[l](latents, context))
            latents = self.self_ff[l](self.self_attn[l](latents))
            per_layer.append(latents)
        return gaussian_nll(self.decoder(xt, per_layer), yt)


class TNPD(nn.Module):
    """Post-LN transformer encoder (ReLU) over [context; targets]; every token sees context."""

    def __init__(self):
        super().__init__()
        self.embedder = embedding_mlp(2)
        self.encoder = nn.ModuleList(
            nn.TransformerEncoderLayer(D_MODEL, HEADS, FEEDFORWARD, dropout=0.0, batch_first=True)
            for _ in range(LAYERS))
        self.head = predictor_head()

    def loss(self, xc, yc, xt, yt):
        n_ctx, n_tar = xc.shape[1], xt.shape[1]
        tokens = torch.cat([torch.cat([xc, yc], -1), torch.cat([xt, torch.zeros_like(yt)], -1)], 1)
        x = self.embedder(tokens)
        mask = torch.zeros(n_ctx + n_tar, n_ctx + n_tar, dtype=torch.bool)
        mask[:, n_ctx:] = True  # True: may not attend (targets are never keys)
        for layer in self.encoder:
            x = layer(x, src_mask=mask)
        return gaussian_nll(self.head(x[:, n_ctx:]), yt)


MODELS = {"cmanp": CMANP, "tnpd": TNPD, "lbanp": LBANP}


def torch_train(name, steps, threads, seed=0, count_flops=False):
    """Trains `steps` steps; returns (steps/s, mean FLOPs per step or None)."""
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    model = MODELS[name]()
    optimizer = torch.optim.Adam(model.parameters(), lr=5e-4)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=steps)

    def step():
        xc, yc, xt, yt = gp_rbf_batch(generator)
        optimizer.zero_grad(set_to_none=True)
        loss = model.loss(xc, yc, xt, yt)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()

    if count_flops:
        from torch.utils.flop_counter import FlopCounterMode
        counter = FlopCounterMode(display=False)
        with counter:
            for _ in range(steps):
                step()
        return None, counter.get_total_flops() / steps
    start = time.perf_counter()
    for _ in range(steps):
        step()
    return steps / (time.perf_counter() - start), None


def nplab_train(cli, name, steps, threads, seed=0):
    """Runs `nplab-cli train`; returns steps/s from its card (set-up and first step included)."""
    with tempfile.TemporaryDirectory() as directory:
        out = os.path.join(directory, name)
        env = dict(os.environ, OMP_NUM_THREADS=str(threads))
        subprocess.run([cli, "train", "--model", name, "--data", "gp-rbf", "--steps", str(steps),
                        "--batch", str(BATCH), "--lr", "5e-4", "--seed", str(seed), "--device",
                        "cpu", "--out", out], check=True, env=env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        with open(out + ".json") as card:
            return json.load(card)["steps_per_second"]


def matmul_gflops(threads, size=2048, repeats=5):
    torch.set_num_threads(threads)
    a, b = torch.randn(size, size), torch.randn(size, size)
    a @ b
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        a @ b
        times.append(time.perf_counter() - start)
    return 2 * size ** 3 / min(times) / 1e9


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cli", default="build/bin/nplab-cli")
    parser.add_argument("--models", default="cmanp,tnpd,lbanp")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=20.0, help="target length of one run")
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()
    if not os.access(args.cli, os.X_OK):
        sys.exit(f"bench_train_vs_pytorch: {args.cli} is not an executable nplab-cli "
                 "(build it first, or pass --cli)")
    models = args.models.split(",")
    for name in models:
        if name not in MODELS:
            sys.exit(f"bench_train_vs_pytorch: unknown model '{name}' (one of {sorted(MODELS)})")
    thread_counts = [int(t) for t in args.threads.split(",")]

    print(f"torch {torch.__version__}; batch {BATCH}; GP RBF tasks of up to {MAX_POINTS} points")
    rows = []
    for threads in thread_counts:
        peak = matmul_gflops(threads)
        for name in models:
            # Calibrate the step count on PyTorch (a few steps), then count FLOPs on that many.
            rate, _ = torch_train(name, 5, threads)
            steps = max(10, int(rate * args.seconds))
            _, flops = torch_train(name, min(steps, 50), threads, count_flops=True)
            nplab_rates, torch_rates = [], []
            for _ in range(args.repeats):
                nplab_rates.append(nplab_train(args.cli, name, steps, threads))
                torch_rates.append(torch_train(name, steps, threads)[0])
            nplab_rate, torch_rate = statistics.median(nplab_rates), statistics.median(torch_rates)
            row = {"model": name, "threads": threads, "steps": steps,
                   "nplab_steps_per_s": nplab_rate, "pytorch_steps_per_s": torch_rate,
                   "ratio": nplab_rate / torch_rate, "gflop_per_step": flops / 1e9,
                   "nplab_gflops": nplab_rate * flops / 1e9,
                   "pytorch_gflops": torch_rate * flops / 1e9, "matmul_gflops": peak}
            rows.append(row)
            print(f"{name:6s} {threads} thr  NPLab {nplab_rate:6.2f} steps/s  PyTorch "
                  f"{torch_rate:6.2f} steps/s  ratio {row['ratio']:.2f}x  |  "
                  f"{row['gflop_per_step']:.2f} GFLOP/step: NPLab {row['nplab_gflops']:.1f}, "
                  f"PyTorch {row['pytorch_gflops']:.1f} GFLOP/s of {peak:.0f} (2048^3 matmul)  "
                  f"[{args.repeats} interleaved runs of {steps} steps, medians]", flush=True)
    if args.json:
        with open(args.json, "w") as out:
            json.dump(rows, out, indent=2)


if __name__ == "__main__":
    main()
