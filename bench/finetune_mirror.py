"""PyTorch mirror of transferlab's parameter family (src/adapt/parameter/) on issue 14's 8x8 digits CNN.

Pretraining: the deep base's source-only-net (bench/deep_mirror.py's Features + a 128->K head, torch's default init,
SGD momentum 0.9, weight decay 5e-4, lr 0.01/(1+10p)^0.75, batches of 64 from shuffled epochs, drop_last) on the
source rows outside the hold-out. transferlab also forwards a batch of unlabelled target rows with each source batch;
with no adaptation term and no batch norm those rows change nothing, so the mirror leaves them out.
Fine-tuning (src/adapt/parameter/define.ts): 300 iterations of 32 labelled target rows (shuffled epochs, drop_last),
SGD momentum 0.9, weight decay 5e-4, lr 0.01/(1+10p)^0.75 per block (conv1, conv2, linear, head):
  finetune      every block;
  linear-probe  the head only;
  l2-sp         alpha/2*||w - w0||^2 over the backbone + beta/2*||w_head||^2 (0.1, 0.01), no weight decay;
  ewc           lambda/2 * sum F (theta - theta*)^2, lambda 100, F = mean over 256 random pretraining rows of the
                squared per-row gradient of the cross-entropy at theta*;
  lwf           + KL(softmax(z_teacher/T) || softmax(z/T)) averaged over the batch, T 2, weight 1 (teacher = the
                pretrained network on the labelled target rows).
Accuracy on the target test rows; source accuracy on the held-out source rows before and after fine-tuning.

Data: the float32 files of `npm run bench -- deep-fidelity --dump DIR` plus the split files bench/finetune.ts writes
(DIR/split-<pair>-<seed>.json: heldOut, train (source rows), labelled and test (target rows)), so both
implementations use the same rows. Usage:
  python3 bench/finetune_mirror.py DIR PAIR SEED [THREADS] [PRE]      -> one JSON line per seed (every strategy)
  python3 bench/finetune_mirror.py DIR --time PAIR SEED THREADS PRE    -> fine-tuning CPU seconds per strategy after
                                                                          PRE pretraining iterations
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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from deep_mirror import Features, Stream, load  # noqa: E402

STRATEGIES = ["finetune", "linear-probe", "l2-sp", "ewc", "lwf"]


class Net(nn.Module):
    def __init__(self, shape, K):
        super().__init__()
        self.feat = Features(*shape)
        self.head = nn.Linear(128, K)

    def forward(self, x):
        return self.head(self.feat(x))

    def blocks(self):
        """conv1, conv2, linear, head: (weight, bias) each, bottom to top."""
        n = self.feat.net
        return [[n[0].weight, n[0].bias], [n[3].weight, n[3].bias], [n[7].weight, n[7].bias], [self.head.weight, self.head.bias]]


def pretrain(X, y, shape, K, seed, iterations):
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    net = Net(shape, K)
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
    xs, ys = torch.from_numpy(X), torch.from_numpy(y)
    stream = Stream(len(X), 64, rng)
    for it in range(iterations):
        for g in opt.param_groups:
            g["lr"] = 0.01 * (1 + 10 * it / iterations) ** -0.75
        i = stream.next()
        loss = F.cross_entropy(net(xs[i]), ys[i])
        opt.zero_grad()
        loss.backward()
        opt.step()
    return net


def accuracy(net, X, y):
    with torch.no_grad():
        pred = torch.cat([net(torch.from_numpy(X[s:s + 512])).argmax(1) for s in range(0, len(X), 512)]).numpy()
    return float((pred == y).mean() * 100)


def fisher(net, X, y, rows):
    params = [p for b in net.blocks() for p in b]
    acc = [torch.zeros_like(p, dtype=torch.float64) for p in params]
    for i in rows:
        net.zero_grad()
        F.cross_entropy(net(torch.from_numpy(X[i:i + 1])), torch.tensor([int(y[i])])).backward()
        for a, p in zip(acc, params):
            a += p.grad.double() ** 2
    net.zero_grad()
    return [(a / len(rows)).float() for a in acc]


def finetune(net0, strategy, Xl, yl, Xsrc, ysrc, seed, iterations=300, batch=32):
    """Fine-tunes a copy of net0; returns the network and the CPU seconds of the phase (Fisher and teacher included)."""
    net = Net((net0.feat.h, net0.feat.w), net0.head.out_features)
    net.load_state_dict(net0.state_dict())
    c0 = time.process_time()
    blocks = net.blocks()
    rng = np.random.default_rng(1000 + seed)
    anchor = [[p.detach().clone() for p in b] for b in blocks]
    trainable = blocks[-1:] if strategy == "linear-probe" else blocks
    for b in blocks:
        for p in b:
            p.requires_grad_(any(p is q for t in trainable for q in t))
    wd = 0.0 if strategy == "l2-sp" else 5e-4
    opt = torch.optim.SGD([p for b in trainable for p in b], lr=0.01, momentum=0.9, weight_decay=wd)
    xl, ylt = torch.from_numpy(Xl), torch.from_numpy(yl)
    if strategy == "ewc":
        rows = rng.permutation(len(Xsrc))[:min(256, len(Xsrc))]
        Fd = fisher(net, Xsrc, ysrc, rows)
        params = [p for b in blocks for p in b]
        star = [p for b in anchor for p in b]
    if strategy == "lwf":
        with torch.no_grad():
            teacher = F.softmax(net(xl) / 2.0, 1)
    stream = Stream(len(Xl), batch, rng)
    for it in range(iterations):
        for g in opt.param_groups:
            g["lr"] = 0.01 * (1 + 10 * it / iterations) ** -0.75
        i = stream.next()
        logits = net(xl[i])
        loss = F.cross_entropy(logits, ylt[i])
        if strategy == "l2-sp":
            sp = sum(((p - a) ** 2).sum() for b, ab in zip(blocks[:-1], anchor[:-1]) for p, a in zip(b, ab))
            loss = loss + 0.1 / 2 * sp + 0.01 / 2 * sum((p ** 2).sum() for p in blocks[-1])
        elif strategy == "ewc":
            loss = loss + 100 / 2 * sum((f * (p - s) ** 2).sum() for f, p, s in zip(Fd, params, star))
        elif strategy == "lwf":
            q = teacher[i]
            loss = loss + F.kl_div(F.log_softmax(logits / 2.0, 1), q, reduction="batchmean")
        opt.zero_grad()
        loss.backward()
        opt.step()
    return net, time.process_time() - c0


def run(dir_, pair, seed, threads, pre_iterations=1500, timing=False):
    torch.set_num_threads(threads)
    src, tgt = ["mnist8x8" if s == "mnist" else s for s in pair.split("->")]
    Xs, ys, meta = load(dir_, src)
    Xt, yt, _ = load(dir_, tgt)
    sp = json.load(open(os.path.join(dir_, f"split-{pair.replace('->', '-')}-{seed}.json")))
    tr, ho, lab, te = (np.array(sp[k], dtype=np.int64) for k in ("train", "heldOut", "labelled", "test"))
    t0 = time.process_time()
    net0 = pretrain(Xs[tr], ys[tr], meta["imageShape"], 10, seed, pre_iterations)
    out = {"impl": "torch", "pair": pair, "seed": seed, "threads": threads, "pretrainCpu": time.process_time() - t0,
           "pretrained": {"accuracy": accuracy(net0, Xt[te], yt[te]), "sourceBefore": accuracy(net0, Xs[ho], ys[ho])}, "methods": {}}
    before = out["pretrained"]["sourceBefore"]
    for s in STRATEGIES:
        net, cpu = finetune(net0, s, Xt[lab], yt[lab], Xs[tr], ys[tr], seed)
        out["methods"][s] = {"cpu": cpu} if timing else {
            "accuracy": accuracy(net, Xt[te], yt[te]), "sourceAccuracy": {"before": before, "after": accuracy(net, Xs[ho], ys[ho])}, "cpu": cpu}
    return out


def main():
    dir_ = sys.argv[1]
    if sys.argv[2] == "--time":
        pair, seed, threads, pre = sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
        print(json.dumps(run(dir_, pair, seed, threads, pre, timing=True)))
        return
    pair, seed = sys.argv[2], int(sys.argv[3])
    threads = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    pre = int(sys.argv[5]) if len(sys.argv) > 5 else 1500
    print(json.dumps(run(dir_, pair, seed, threads, pre)))


if __name__ == "__main__":
    main()
