"""The reference workload in PyTorch, timed: MLP 2->32->16 (ReLU) + 16->2 classifier, Adam lr 1e-3, batch 32
over 1000 source points, loss = CE + 0.5*RBF-MMD^2 (gamma 1, biased; the reference's compute_mmd) against 200
target points, for EPOCHS epochs. Prints JSON: seconds with a DataLoader (as the reference script) and with
plain index batches, final epoch losses. Usage: python3 bench/torch_workload.py [epochs] [threads]"""
import json
import sys
import time

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

epochs = int(sys.argv[1]) if len(sys.argv) > 1 else 100
torch.set_num_threads(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
np.random.seed(42)
torch.manual_seed(42)

X0 = np.random.randn(500, 2) * 0.5 + np.array([-2, -2]); X1 = np.random.randn(500, 2) * 0.5 + np.array([2, 2])
Xs = np.vstack([X0, X1]); ys = np.hstack([np.zeros(500), np.ones(500)])
th = np.pi / 4; R = np.array([[np.cos(th), -np.sin(th)], [np.sin(th), np.cos(th)]])
T0 = (np.random.randn(100, 2) * 0.6 + np.array([-1, -1])) @ R.T; T1 = (np.random.randn(100, 2) * 0.6 + np.array([1, 1])) @ R.T
Xt = np.vstack([T0, T1])


def compute_mmd(x_source, x_target, gamma=1.0):
    n_source = x_source.size(0); n_target = x_target.size(0)
    xx = torch.sum(x_source ** 2, dim=1, keepdim=True); yy = torch.sum(x_target ** 2, dim=1, keepdim=True)
    K_ss = torch.exp(-gamma * (xx + xx.t() - 2 * x_source @ x_source.t()))
    K_tt = torch.exp(-gamma * (yy + yy.t() - 2 * x_target @ x_target.t()))
    K_st = torch.exp(-gamma * (xx + yy.t() - 2 * x_source @ x_target.t()))
    return K_ss.sum() / (n_source ** 2) + K_tt.sum() / (n_target ** 2) - 2 * K_st.sum() / (n_source * n_target)


def run(use_loader):
    torch.manual_seed(0)
    X_s = torch.FloatTensor(Xs); y_s = torch.LongTensor(ys.astype(int)); X_t = torch.FloatTensor(Xt)
    feat = nn.Sequential(nn.Linear(2, 32), nn.ReLU(), nn.Linear(32, 16), nn.ReLU())
    cls = nn.Linear(16, 2)
    opt = torch.optim.Adam(list(feat.parameters()) + list(cls.parameters()), lr=0.001)
    crit = nn.CrossEntropyLoss()
    loader = DataLoader(TensorDataset(X_s, y_s), batch_size=32, shuffle=True)
    t0 = time.perf_counter(); last = 0.0; steps = 0
    for _ in range(epochs):
        total = 0.0; count = 0
        batches = loader if use_loader else ((X_s[i], y_s[i]) for i in torch.randperm(1000).split(32))
        for xb, yb in batches:
            opt.zero_grad()
            fs = feat(xb); loss = crit(cls(fs), yb) + 0.5 * compute_mmd(fs, feat(X_t))
            loss.backward(); opt.step(); total += loss.item(); count += 1; steps += 1
        last = total / count
    return time.perf_counter() - t0, last, steps


sec_loader, loss_loader, steps = run(True)
sec_plain, loss_plain, _ = run(False)
print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "epochs": epochs, "steps": steps,
                  "secondsDataLoader": sec_loader, "secondsIndexBatches": sec_plain,
                  "finalLossDataLoader": loss_loader, "finalLossIndexBatches": loss_plain}))
