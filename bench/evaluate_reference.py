"""
The Python pipeline that `npm run bench -- evaluate` runs side by side with `transferlab evaluate`:
scikit-learn SVC (rbf, gamma='scale') + POT 0.8.2 on the same data and the same per-seed splits.
Usage: /usr/bin/python3 bench/evaluate_reference.py <dir>   (dir holds meta.json and the .f32/.i32 arrays
written by bench/evaluate.ts); prints one JSON document: accuracies per method and seed, and seconds.
Methods: source-only, target-only, coral (Sun et al. 2016: whiten with Cs + r·I, re-colour with Ct + r·I, r = the mean feature variance of
both domains, plus the mean shift: transferlab's defaults lambdaScale='mean-variance', center=true), ot-sinkhorn (ot.da.SinkhornTransport reg_e), ot-emd (ot.da.EMDTransport), ot-linear (ot.da.LinearTransport).
"""
import json, os, sys, time
import numpy as np
import scipy.linalg
from sklearn.svm import SVC

t_import = time.time()
import ot  # noqa: E402

d = sys.argv[1]
meta = json.load(open(os.path.join(d, "meta.json")))
def arr(name, dtype, shape):
    return np.fromfile(os.path.join(d, name), dtype=dtype).reshape(shape)
Xs = arr("Xs.f32", np.float32, (meta["ns"], meta["d"])).astype(np.float64)
ys = arr("ys.i32", np.int32, (meta["ns"],))
Xt = arr("Xt.f32", np.float32, (meta["nt"], meta["d"])).astype(np.float64)
yt = arr("yt.i32", np.int32, (meta["nt"],))

def coral(Xs, Xt, lam=1.0):
    d = Xs.shape[1]
    cs, ct = np.cov(Xs, rowvar=False), np.cov(Xt, rowvar=False)
    # transferlab's default lambdaScale='mean-variance': the ridge is lam x the mean feature variance of both domains.
    ridge = lam * (np.trace(cs) + np.trace(ct)) / (2 * d)
    A = np.real(np.linalg.inv(scipy.linalg.sqrtm(cs + ridge * np.eye(d))) @ scipy.linalg.sqrtm(ct + ridge * np.eye(d)))
    # transferlab's coral default (center=true) also moves the source mean onto the target mean.
    return (Xs - Xs.mean(0)) @ A + Xt.mean(0)

def mapped_source(m, Xu):
    if m == "coral": return coral(Xs, Xu)
    if m == "ot-sinkhorn": return ot.da.SinkhornTransport(reg_e=meta["sinkhornReg"]).fit(Xs=Xs, Xt=Xu).transform(Xs=Xs)
    if m == "ot-emd": return ot.da.EMDTransport().fit(Xs=Xs, Xt=Xu).transform(Xs=Xs)
    if m == "ot-linear": return ot.da.LinearTransport().fit(Xs=Xs, Xt=Xu).transform(Xs=Xs)
    return None

# As transferlab evaluate does: a model whose inputs do not change with the seed (source-only; the unsupervised
# maps when the unlabelled target is every target input) is fitted once and scored on every seed's test set.
out = {"methods": {}, "seconds": {}}
cache = {}
t0 = time.time()
for seed in meta["seeds"]:
    lab = np.array(seed["labelled"], dtype=int); test = np.array(seed["test"], dtype=int); unl = np.array(seed["unlabelled"], dtype=int)
    Xte, yte = Xt[test], yt[test]
    Xu = Xt[unl]
    for m in meta["methods"]:
        t = time.time()
        if m == "target-only":
            a = 100.0 * float((SVC(kernel="rbf", gamma="scale").fit(Xt[lab], yt[lab]).predict(Xte) == yte).mean())
        else:
            key = (m, unl.tobytes())
            if key not in cache:
                Z = Xs if m == "source-only" else mapped_source(m, Xu)
                if Z is None: continue
                cache[key] = SVC(kernel="rbf", gamma="scale").fit(Z, ys)
            a = 100.0 * float((cache[key].predict(Xte) == yte).mean())
        out["methods"].setdefault(m, []).append(a)
        out["seconds"][m] = out["seconds"].get(m, 0.0) + time.time() - t
out["totalSeconds"] = time.time() - t0
print(json.dumps(out))
