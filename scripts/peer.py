"""Times scikit-digital-health's lumbar gait pipeline (skdh.gait.GaitLumbar)
on a gaitline CSV (time_s, ax, ay, az in m/s^2). Run by scripts/peer.sh, not
by the test suite. Prints one JSON line: load and predict seconds (best of
--runs), and how many steps skdh found."""
import argparse, json, sys, time, warnings

import numpy as np

warnings.filterwarnings("ignore")
p = argparse.ArgumentParser()
p.add_argument("csv")
p.add_argument("--runs", type=int, default=3)
a = p.parse_args()

import skdh  # noqa: E402  (imported before timing: interpreter start-up is not counted)


def load(path):
    d = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float64)
    t = d[:, 0] + 1.7e9  # skdh wants unix seconds
    accel = d[:, 1:4] / 9.80665  # and g
    return t, accel


def run(t, accel, fs):
    g = skdh.gait.GaitLumbar()
    # gait_pred=True: the whole recording is one gait bout (no classifier),
    # as gaitline analyses it.
    return g.predict(time=t, accel=accel, fs=fs, gait_pred=True)


best_load = best_predict = float("inf")
steps = None
for _ in range(a.runs):
    t0 = time.perf_counter()
    t, accel = load(a.csv)
    t1 = time.perf_counter()
    fs = 1 / np.median(np.diff(t[:1000]))
    r = run(t, accel, fs)
    t2 = time.perf_counter()
    best_load = min(best_load, t1 - t0)
    best_predict = min(best_predict, t2 - t1)
    steps = int(np.size(r["IC Timestamp"]))
print(json.dumps({"skdh": skdh.__version__, "load_s": best_load, "predict_s": best_predict, "steps": steps}))
