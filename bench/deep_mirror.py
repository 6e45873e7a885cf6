"""PyTorch mirror of issue 14's reference spec for deep adaptation on 8x8 digits (the spec transferlab's deep
methods follow, src/adapt/deep/): CNN conv(1->32,3x3,pad 1)-ReLU-maxpool 2-conv(32->64)-ReLU-maxpool 2-flatten(256)
-linear 256->128-ReLU = features f; head 128->K; torch's default init. SGD momentum 0.9, weight decay 5e-4,
lr0 0.01 annealed lr0/(1+10p)^0.75; per iteration 64 source + 64 target images (shuffled epochs, drop_last);
GRL coefficient 2/(1+exp(-10p))-1; DANN discriminator 128->256->256->1; CDAN's on f (x) detached softmax
(128K->256->256->1, +E optional); Deep CORAL ||Cs-Ct||_F^2/(4d^2); DAN biased MMD^2 with 5 kernels
exp(-d^2/(base*2^k)), k=-2..2, base = mean pairwise squared distance of the joint batch (detached); MCC T=2.5.
Every trade-off weight 1. A run whose loss turns non-finite (or whose features all become 0) is reported as
diverged with the iteration and the term, never as an accuracy; so is a run whose
features collapse (every feature constant over the joint batch: dead ReLUs).

Data: the float32 files written by `npx tsx bench/deep-fidelity.ts --dump DIR` (the same scaled arrays the
TypeScript runs use). Usage:
  python3 bench/deep_mirror.py DIR PAIR METHOD SEED [ITERATIONS] [THREADS]   -> one JSON line
  python3 bench/deep_mirror.py DIR --time METHOD ITERATIONS THREADS         -> seconds per 1000 iterations
"""
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def load(dir_, name):
    meta = json.load(open(os.path.join(dir_, name + ".json")))
    X = np.fromfile(os.path.join(dir_, name + ".X.f32"), dtype=np.float32).reshape(meta["rows"], meta["cols"])
    y = np.fromfile(os.path.join(dir_, name + ".y.i32"), dtype=np.int32).astype(np.int64)
    return X, y, meta


class Features(nn.Module):
    def __init__(self, h, w):
        super().__init__()
        self.h, self.w = h, w
        self.net = nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                                 nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                                 nn.Flatten(), nn.Linear(64 * (h // 4) * (w // 4), 128), nn.ReLU())

    def forward(self, x):
        return self.net(x.view(-1, 1, self.h, self.w))


def discriminator(d_in):
    return nn.Sequential(nn.Linear(d_in, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 1))


class GradReverse(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, coeff):
        ctx.coeff = coeff
        return x.view_as(x)

    @staticmethod
    def backward(ctx, g):
        return -ctx.coeff * g, None


def entropy(p):
    return -(p * torch.log(p + 1e-5)).sum(dim=1)


def mcc_loss(logits, T=2.5):
    n, K = logits.shape
    p = F.softmax(logits / T, dim=1)
    w = (1 + torch.exp(-entropy(p))).detach()
    w = (n * w / w.sum()).unsqueeze(1)
    C = torch.mm((p * w).t(), p)
    C = C / torch.sum(C, dim=1)
    return (torch.sum(C) - torch.trace(C)) / K


def coral(fs, ft):
    d = fs.size(1)
    cs = torch.cov(fs.t()); ct = torch.cov(ft.t())
    return ((cs - ct) ** 2).sum() / (4 * d * d)


def mk_mmd(xs, xt, kernel_mul=2.0, kernel_num=5):
    n = xs.size(0)
    total = torch.cat([xs, xt], 0)
    N = total.size(0)
    sq = (total ** 2).sum(1, keepdim=True)
    L2 = (sq + sq.t() - 2 * total @ total.t()).clamp_min(0)
    bandwidth = L2.detach().sum() / (N * N - N)
    if not bandwidth > 0:
        bandwidth = torch.tensor(1.0)
    bandwidth = bandwidth / kernel_mul ** (kernel_num // 2)
    K = sum(torch.exp(-L2 / (bandwidth * kernel_mul ** i)) for i in range(kernel_num))
    return K[:n, :n].mean() + K[n:, n:].mean() - 2 * K[:n, n:].mean()


class Stream:
    """Shuffled epochs cut into full batches (drop_last), as src/adapt/deep/define.ts's BatchStream."""
    def __init__(self, n, b, rng):
        self.n, self.b, self.rng, self.order, self.pos = n, min(b, n), rng, np.zeros(0, dtype=np.int64), 0

    def next(self):
        if self.pos + self.b > len(self.order):
            self.order, self.pos = self.rng.permutation(self.n), 0
        out = self.order[self.pos:self.pos + self.b]
        self.pos += self.b
        return out


def mlp_features(d_in, hidden):
    layers, d = [], d_in
    for h in hidden:
        layers += [nn.Linear(d, h), nn.ReLU()]
        d = h
    return nn.Sequential(*layers)


def dump_replay(path, params, ss, st, iterations):
    """This run's initial parameters (float32, parameters() order) and batch indices (int32, source then target per
    iteration), for bench/deep-fidelity.ts --replay: ours trained from exactly torch's start and batch order."""
    with open(path + ".params.f32", "wb") as f:
        for p in params:
            f.write(p.detach().numpy().astype(np.float32).tobytes())
    with open(path + ".batches.i32", "wb") as f:
        for _ in range(iterations):
            f.write(ss.next().astype(np.int32).tobytes()); f.write(st.next().astype(np.int32).tobytes())


def train(method, Xs, ys, Xt, shape, K, seed, iterations=1500, batch=64, timing_only=False, hidden=None, replay=None):
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    # shape: the CNN of the spec; hidden: the MLP backbone (transferlab's default widths 256, 128) on feature vectors.
    feat = mlp_features(Xs.shape[1], hidden) if hidden else Features(*shape)
    head = nn.Linear(128, K)
    extra = {}
    if method in ("dann",):
        extra["disc"] = discriminator(128)
    if method in ("cdan", "cdan-e"):
        extra["disc"] = discriminator(128 * K)
    params = list(feat.parameters()) + list(head.parameters()) + [p for m in extra.values() for p in m.parameters()]
    opt = torch.optim.SGD(params, lr=0.01, momentum=0.9, weight_decay=5e-4)
    xs_all = torch.from_numpy(Xs); ys_all = torch.from_numpy(ys); xt_all = torch.from_numpy(Xt)
    ss, st = Stream(len(Xs), batch, rng), Stream(len(Xt), batch, rng)
    if replay:
        return dump_replay(replay, params, ss, st, iterations)
    for it in range(iterations):
        p = it / iterations
        for g in opt.param_groups:
            g["lr"] = 0.01 * (1 + 10 * p) ** -0.75
        grl = 2 / (1 + math.exp(-10 * p)) - 1
        i_s, i_t = ss.next(), st.next()
        x = torch.cat([xs_all[i_s], xt_all[i_t]], 0)
        f = feat(x)
        if not timing_only and bool((f == f[0]).all()):  # features collapsed (constant over the batch), as define.ts
            return {"diverged": {"iteration": it + 1, "term": "features"}}
        logits = head(f)
        ns = len(i_s)
        fs, ft, ls, lt = f[:ns], f[ns:], logits[:ns], logits[ns:]
        terms = {"classification": F.cross_entropy(ls, ys_all[i_s])}
        dom = torch.cat([torch.ones(ns), torch.zeros(len(i_t))]).unsqueeze(1)
        if method == "dann":
            terms["domain"] = F.binary_cross_entropy_with_logits(extra["disc"](GradReverse.apply(f, grl)), dom)
        elif method in ("cdan", "cdan-e"):
            g = F.softmax(logits, 1).detach()
            h = torch.bmm(f.unsqueeze(2), g.unsqueeze(1)).view(f.size(0), -1)
            w = None
            if method == "cdan-e":
                w = 1 + torch.exp(-entropy(g)); w = (len(w) * w / w.sum()).unsqueeze(1)
            terms["domain"] = F.binary_cross_entropy_with_logits(extra["disc"](GradReverse.apply(h, grl)), dom, weight=w)
        elif method == "deep-coral":
            terms["coral"] = coral(fs, ft)
        elif method == "dan":
            terms["mmd"] = mk_mmd(fs, ft)
        elif method == "mcc":
            terms["confusion"] = mcc_loss(lt, 2.5)
        elif method != "source-only-net":
            raise SystemExit(f"unknown method {method}")
        if not timing_only:
            for name, v in terms.items():
                if not math.isfinite(float(v)):
                    return {"diverged": {"iteration": it + 1, "term": name}}
        loss = sum(terms.values())
        opt.zero_grad()
        loss.backward()
        opt.step()
    feat.eval(); head.eval()
    with torch.no_grad():
        pred = torch.cat([head(feat(xt_all[s:s + 512])).argmax(1) for s in range(0, len(Xt), 512)])
    return {"pred": pred.numpy()}


def main():
    dir_ = sys.argv[1]
    if sys.argv[2] == "--time-mlp":  # the MLP backbone on a 100-feature table (random data: speed only)
        method, iters, threads = sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
        torch.set_num_threads(threads)
        r = np.random.default_rng(0)
        Xs = r.standard_normal((2000, 100)).astype(np.float32); ys = r.integers(0, 10, 2000)
        Xt = (r.standard_normal((2000, 100)) + 0.5).astype(np.float32)
        train(method, Xs, ys, Xt, None, 10, 0, iterations=5, timing_only=True, hidden=[256, 128])
        t0, c0 = time.perf_counter(), time.process_time()
        train(method, Xs, ys, Xt, None, 10, 0, iterations=iters, timing_only=True, hidden=[256, 128])
        print(json.dumps({"method": method, "secondsPer1000": (time.perf_counter() - t0) * 1000 / iters,
                          "cpuSecondsPer1000": (time.process_time() - c0) * 1000 / iters, "threads": threads}))
        return
    if sys.argv[2] == "--time":
        method, iters, threads = sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
        torch.set_num_threads(threads)
        Xs, ys, meta = load(dir_, "mnist8x8")
        Xt, _, _ = load(dir_, "optdigits")
        train(method, Xs, ys, Xt, meta["imageShape"], 10, 0, iterations=5, timing_only=True)  # warm-up
        t0, c0 = time.perf_counter(), time.process_time()
        train(method, Xs, ys, Xt, meta["imageShape"], 10, 0, iterations=iters, timing_only=True)
        print(json.dumps({"method": method, "secondsPer1000": (time.perf_counter() - t0) * 1000 / iters,
                          "cpuSecondsPer1000": (time.process_time() - c0) * 1000 / iters, "threads": threads}))
        return
    if sys.argv[2] == "--dump-replay":  # DIR --dump-replay OUT PAIR METHOD SEED ITERATIONS
        out, pair, method, seed, iters = sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6]), int(sys.argv[7])
        src, tgt = ["mnist8x8" if s == "mnist" else s for s in pair.split("->")]
        Xs, ys, meta = load(dir_, src)
        Xt, _, _ = load(dir_, tgt)
        train(method, Xs, ys, Xt, meta["imageShape"], 10, seed, iterations=iters, replay=out)
        return
    pair, method, seed = sys.argv[2], sys.argv[3], int(sys.argv[4])
    iters = int(sys.argv[5]) if len(sys.argv) > 5 else 1500
    torch.set_num_threads(int(sys.argv[6]) if len(sys.argv) > 6 else 1)
    src, tgt = ["mnist8x8" if s == "mnist" else s for s in pair.split("->")]
    Xs, ys, meta = load(dir_, src)
    Xt, yt, _ = load(dir_, tgt)
    t0 = time.perf_counter()
    r = train(method, Xs, ys, Xt, meta["imageShape"], 10, seed, iterations=iters)
    out = {"pair": pair, "method": method, "seed": seed, "iterations": iters, "seconds": time.perf_counter() - t0}
    if "pred" in r:
        out["accuracy"] = float((r["pred"] == yt).mean() * 100)
    else:
        out["diverged"] = r["diverged"]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
