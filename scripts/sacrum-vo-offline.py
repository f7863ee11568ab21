#!/usr/bin/env python3
"""Offline decomposition of the sacrum vertical-oscillation error on the bundled force-plate trials (issue 13).

One-off analysis behind docs/EVIDENCE.md ("Sacrum vertical oscillation: where the per-step scatter comes
from"), not part of the product. It re-implements the committed rules (20 Hz zero-phase low-pass of the
sensor's vertical axis, initial contact at the 0.3 g upward crossing before each stance peak, VO per step by
double integration with mean removal only over IC to next IC; the reference is `gaitline evaluate`'s: the
same integration of F/m - g over the force plate's IC to next IC) and swaps one ingredient at a time:
  est    sacrum over the sacrum's step bounds (the committed rule, offline)
  estT   sacrum over the force plate's step bounds (perfect step bounds)
  refS   force over the sacrum's step bounds (the reference's own sensitivity to the window)
  same   sacrum from its IC over the mean of the same-side step times k-2, k, k+2 (regularised window)
  sm3    sacrum VO averaged over steps k-1..k+1 (a smoothed multi-step estimate)
  sm3same  sacrum VO averaged over the same-side steps k-2, k, k+2 (keeps a left/right difference)
  nbr    sacrum with the acceleration mean of steps k-1..k+1 removed, not the step's own
  vertical, normal_p, normal_m   the sacrum projected onto the vertical or the belt normal (vs refS)
  est_c, ref_c, ref_cs   one displacement per trial (continuous integration, linear velocity detrend)
Prints each minus the reference (or as named), cm: n, bias, SD, RMSE, SD of the 31 trial means, SD within
trials, and the correlation of the error with the step-time difference. Usage: scripts/sacrum-vo-offline.py
[STEPS_DIR] (numpy, scipy); with STEPS_DIR holding `gaitline analyze trial_XX.csv --steps-csv STEPS_DIR/trial_XX.csv`
for every trial it also decomposes gaitline's own per-step VO. The offline IC differs slightly from gaitline's (no local period, no segment logic), so the
baseline reads RMSE 0.54 cm here against 0.48 cm in docs/VALIDATION.md.
"""
import csv
import glob
import os
import sys

import numpy as np
from scipy.signal import butter, filtfilt

DATA = os.path.join(os.path.dirname(__file__), "..", "SampleData", "alcantara-sacrum-run")
FS = 500.0
THRESHOLD_G = 0.3
G = 9.80665


def up(v, level, lo, hi):
    """Last upward crossing of `level` in (lo, hi], interpolated."""
    for i in range(hi, lo, -1):
        if v[i - 1] <= level < v[i]:
            return i - 1 + (level - v[i - 1]) / (v[i] - v[i - 1])
    return None


def excursion(acc, i0, i1, mean=None):
    """Peak-to-peak displacement (cm) over [i0, i1): acceleration mean (or `mean`) removed, then velocity mean."""
    x = acc[i0:i1] - (acc[i0:i1].mean() if mean is None else mean)
    v = np.cumsum(x) / FS
    v -= v.mean()
    d = np.cumsum(v) / FS
    return (max(d.max(), 0) - min(d.min(), 0)) * 100


def continuous(acc, bounds, degree=1):
    """Per-step peak-to-peak (cm) of one displacement integrated over all the steps of a trial: the
    acceleration mean over whole steps removed, the velocity's polynomial trend of `degree` removed."""
    x = acc[bounds[0]:bounds[-1]] - acc[bounds[0]:bounds[-1]].mean()
    v = np.cumsum(x) / FS
    t = np.arange(len(v))
    v -= np.polyval(np.polyfit(t, v, degree), t)
    d = np.cumsum(v) / FS
    return [(d[bounds[k] - bounds[0]:bounds[k + 1] - bounds[0]].max() - d[bounds[k] - bounds[0]:bounds[k + 1] - bounds[0]].min()) * 100
            for k in range(len(bounds) - 1)]


def report(rows, pairs, title):
    trials = np.array([r["trial"] for r in rows])
    dt = np.array([r["dt_ms"] for r in rows])
    print(title)
    print("estimate - reference | n | bias / SD / RMSE (cm) | SD of trial means | SD within trials | r with step-time difference")
    for name, ref in pairs:
        e = np.array([r[name] - r[ref] for r in rows])
        means = np.array([e[trials == t].mean() for t in sorted(set(trials))])
        within = np.concatenate([e[trials == t] - e[trials == t].mean() for t in sorted(set(trials))])
        print(f"{name} - {ref} | {len(e)} | {e.mean():+.2f} / {e.std():.2f} / {np.sqrt((e ** 2).mean()):.2f} | "
              f"{means.std():.2f} | {within.std():.2f} | {np.corrcoef(e, dt)[0, 1]:+.2f}")
    print(f"step-time difference (sacrum - force): SD {dt.std():.1f} ms")


def gaitline_steps(folder, truth):
    """gaitline's own steps (`gaitline analyze TRIAL --steps-csv FOLDER/TRIAL`), each matched to the force
    plate's IC within 40 ms as `gaitline evaluate` does (nearest; steps over 1.5x the median left out)."""
    rows = []
    for path in sorted(glob.glob(os.path.join(DATA, "trial_*.csv"))):
        trial = int(os.path.basename(path)[6:8])
        x = np.loadtxt(path, delimiter=",", skiprows=1)
        force = (x[:, 3] - 1) * G
        steps = list(csv.DictReader(open(os.path.join(folder, os.path.basename(path)))))
        ic = [float(s["ic_s"]) for s in steps]
        vo = [float(s["vertical_oscillation_cm"]) if s["vertical_oscillation_cm"] else None for s in steps]
        ref_ic = truth[trial]
        median = np.median(np.diff(ref_ic))
        for k in range(len(ref_ic) - 1):
            j = int(np.argmin([abs(t - ref_ic[k]) for t in ic]))
            if ref_ic[k + 1] - ref_ic[k] > 1.5 * median or abs(ic[j] - ref_ic[k]) > 0.04 or vo[j] is None or j + 1 >= len(ic):
                continue
            s0, s1 = int(np.searchsorted(x[:, 0], ic[j])), int(np.searchsorted(x[:, 0], ic[j + 1]))
            t0, t1 = int(np.searchsorted(x[:, 0], ref_ic[k])), int(np.searchsorted(x[:, 0], ref_ic[k + 1]))
            near = [vo[q] for q in (j - 1, j, j + 1) if 0 <= q < len(vo) and vo[q] is not None]
            rows.append(dict(trial=trial, dt_ms=((ic[j + 1] - ic[j]) - (ref_ic[k + 1] - ref_ic[k])) * 1000,
                             ref=excursion(force, t0, t1), refS=excursion(force, s0, s1), gaitline=vo[j],
                             gaitline_sm3=np.mean(near)))
    return rows


def main():
    truth = {}
    condition = {}
    for r in csv.DictReader(open(os.path.join(DATA, "ground_truth_contacts.csv"))):
        truth.setdefault(int(r["trial"]), []).append(float(r["ic_time_s"]))
        condition[int(r["trial"])] = (float(r["speed_mps"]), float(r["slope_deg"]))
    tilts = []
    b, a = butter(2, 20 / (FS / 2))
    rows = []
    for path in sorted(glob.glob(os.path.join(DATA, "trial_*.csv"))):
        trial = int(os.path.basename(path)[6:8])
        x = np.loadtxt(path, delimiter=",", skiprows=1)
        sac = filtfilt(b, a, x[:, 1])
        ap = filtfilt(b, a, x[:, 2])
        force = (x[:, 3] - 1) * G
        ic_true = truth[trial]
        n = len(ic_true)
        peaks = [int(t * FS) + int(np.argmax(sac[int(t * FS):int(t * FS) + int(0.15 * FS)])) for t in ic_true]
        ics = []
        for k in range(n):
            lo = peaks[k - 1] + int(np.argmin(sac[peaks[k - 1]:peaks[k]])) if k > 0 else max(0, peaks[k] - 150)
            c = up(sac, THRESHOLD_G, lo, peaks[k])
            ics.append(None if c is None else int(round(c)))
        tb = [int(round(t * FS)) for t in ic_true]
        # The sensor's tilt from the vertical (mean acceleration direction over the detected steps), and the
        # sacrum projected onto the vertical and onto the belt normal (vertical tilted by the known slope,
        # either sign: the AP axis's direction is not documented).
        found = [i for i in ics if i is not None]
        tilt = np.arctan2(ap[found[0]:found[-1]].mean(), sac[found[0]:found[-1]].mean())
        slope = np.radians(condition[trial][1])
        tilts.append((trial, condition[trial][1], np.degrees(tilt)))
        vertical = (sac * np.cos(tilt) + ap * np.sin(tilt)) * G
        normal_p = (sac * np.cos(tilt + slope) + ap * np.sin(tilt + slope)) * G
        normal_m = (sac * np.cos(tilt - slope) + ap * np.sin(tilt - slope)) * G
        whole = None not in ics
        if whole:
            ref_c, est_c = continuous(force, tb), continuous(sac * G, ics)
            ref_cs = continuous(force, ics)

        def step(j):
            ok = 0 <= j < n - 1 and ics[j] is not None and ics[j + 1] is not None
            return ics[j + 1] - ics[j] if ok else None

        per = []
        for k in range(n - 1):
            if step(k) is None:
                per.append(None)
                continue
            s0, s1, t0, t1 = ics[k], ics[k + 1], tb[k], tb[k + 1]
            same = int(round(np.mean([step(j) for j in (k - 2, k, k + 2) if step(j) is not None])))
            lo = k - 1 if step(k - 1) is not None else k
            hi = k + 2 if step(k + 1) is not None else k + 1
            if s0 + same > len(sac):
                per.append(None)
                continue
            per.append(dict(trial=trial, dt_ms=((s1 - s0) - (t1 - t0)) / FS * 1000,
                            ref=excursion(force, t0, t1), est=excursion(sac * G, s0, s1),
                            estT=excursion(sac * G, t0, t1), refS=excursion(force, s0, s1),
                            same=excursion(sac * G, s0, s0 + same),
                            nbr=excursion(sac * G, s0, s1, mean=(sac * G)[ics[lo]:ics[hi]].mean()),
                            vertical=excursion(vertical, s0, s1), normal_p=excursion(normal_p, s0, s1),
                            normal_m=excursion(normal_m, s0, s1), whole=whole,
                            ref_c=ref_c[k] if whole else 0, est_c=est_c[k] if whole else 0, ref_cs=ref_cs[k] if whole else 0))
        for k, r in enumerate(per):
            if r is None:
                continue
            r["sm3"] = np.mean([per[j]["est"] for j in (k - 1, k, k + 1) if 0 <= j < len(per) and per[j] is not None])
            r["sm3same"] = np.mean([per[j]["est"] for j in (k - 2, k, k + 2) if 0 <= j < len(per) and per[j] is not None])
            rows.append(r)
    report(rows, [("est", "ref"), ("estT", "ref"), ("refS", "ref"), ("est", "refS"), ("same", "ref"), ("sm3", "ref"),
                  ("sm3same", "ref"), ("nbr", "ref"), ("vertical", "refS"), ("normal_p", "refS"), ("normal_m", "refS")],
           "offline (the committed rules re-implemented)")
    dt = np.array([r["dt_ms"] for r in rows])
    e = np.array([r["refS"] - r["ref"] for r in rows])
    print(f"reference's own sensitivity to its step time: {np.polyfit(dt, e, 1)[0]:+.3f} cm per ms")
    report([r for r in rows if r["whole"]], [("est", "ref"), ("est_c", "ref"), ("ref_c", "ref"), ("ref_cs", "ref_c"), ("est", "ref_c")],
           "continuous integration over each whole trial (trials with every IC found)")
    for s in (-10, -5, 0, 5, 10):
        print(f"slope {s:+d}: sacrum - force on the same bounds {np.mean([r['est'] - r['refS'] for r in rows if condition[r['trial']][1] == s]):+.2f} cm; "
              f"tilt {', '.join(f'{t:.0f}' for tr, sl, t in tilts if sl == s)} deg")
    if len(sys.argv) > 1:
        report(gaitline_steps(sys.argv[1], truth), [("gaitline", "ref"), ("refS", "ref"), ("gaitline", "refS"), ("gaitline_sm3", "ref")],
               "gaitline's own steps")

if __name__ == "__main__":
    main()
