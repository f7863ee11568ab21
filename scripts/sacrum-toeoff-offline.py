#!/usr/bin/env python3
"""Offline comparison of sacral toe-off rules on the bundled force-plate trials (issue 13).

One-off analysis behind docs/EVIDENCE.md ("Sacrum toe-off: published and physical cues tried" and "Sacrum
toe-off: symmetry cues, a two-cue average and a relative level"), not part of the product. It re-implements
gaitline's running contact rule (20 Hz zero-phase low-pass, contact while the sensor's vertical acceleration
exceeds 0.3 g around each stance peak) and compares toe-off rules that have no parameter fitted on these
trials; the last two blocks choose a weight/offset or a level on all but one trial, slope or speed and score
the held-out one (leave-one-out). Each reference stance from the force plate (5 % body weight) is paired
with the stance peak inside it; the first and last stance of each trial are left out (the rules need the
neighbouring contacts). Prints contact-time and toe-off error (ms): n, bias, SD, RMSE and the SD of the
per-trial means.
Usage: scripts/sacrum-toeoff-offline.py (numpy, scipy).
"""
import csv
import glob
import os

import numpy as np
from scipy.signal import butter, filtfilt

DATA = os.path.join(os.path.dirname(__file__), "..", "SampleData", "alcantara-sacrum-run")
FS = 500.0  # the trials' sample rate, Hz
THRESHOLD_G = 0.3  # gaitline's contact threshold (AnalysisOptions.contactThresholdG)


def up(v, level, lo, hi):
    """Last upward crossing of `level` in (lo, hi], interpolated."""
    for i in range(hi, lo, -1):
        if v[i - 1] <= level < v[i]:
            return i - 1 + (level - v[i - 1]) / (v[i] - v[i - 1])
    return None


def down(v, level, lo, hi, last=False):
    """First (or last) downward crossing of `level` in (lo, hi], interpolated."""
    rng = range(hi, lo, -1) if last else range(lo + 1, hi + 1)
    for j in rng:
        if v[j - 1] >= level > v[j]:
            return j - 1 + (v[j - 1] - level) / (v[j - 1] - v[j])
    return None


# Spring-mass (sine) vertical force over a contact of duty D = tc/T: the mean force over the step is body
# weight, so F_max = BW·π/(2D), and the force exceeds BW for te/T = D·(1 − (2/π)·asin(2D/π)) of the step.
DUTY = np.linspace(0.05, 0.99, 20000)
EFFECTIVE = DUTY * (1 - (2 / np.pi) * np.arcsin(np.minimum(1, 2 * DUTY / np.pi)))


def duty_from_effective(e):
    return DUTY[min(np.searchsorted(EFFECTIVE, e), len(DUTY) - 1)]


def peaks_in(x, lo, hi):
    return [j for j in range(lo + 1, hi - 1) if x[j] > x[j - 1] and x[j] >= x[j + 1]]


def main():
    truth = {}
    condition = {}
    for r in csv.DictReader(open(os.path.join(DATA, "ground_truth_contacts.csv"))):
        truth.setdefault(int(r["trial"]), []).append((float(r["ic_time_s"]), float(r["tc_time_s"])))
        condition[int(r["trial"])] = (float(r["speed_mps"]), float(r["slope_deg"]))
    b, a = butter(2, 20 / (FS / 2))
    errors = {}
    relative = {}
    for path in sorted(glob.glob(os.path.join(DATA, "trial_*.csv"))):
        trial = int(os.path.basename(path)[6:8])
        x = np.loadtxt(path, delimiter=",", skiprows=1)
        v = filtfilt(b, a, x[:, 1])
        ap = filtfilt(b, a, x[:, 2])
        d1 = np.gradient(v) * FS
        d2 = np.gradient(d1) * FS
        contacts = truth[trial]
        peaks = [int(ic * FS) + int(np.argmax(v[int(ic * FS):int(tc * FS)])) for ic, tc in contacts]
        for k in range(1, len(contacts) - 1):
            ic_true, tc_true = contacts[k]
            p = peaks[k]
            lo = peaks[k - 1] + int(np.argmin(v[peaks[k - 1]:p]))
            hi = p + int(np.argmin(v[p:peaks[k + 1] + 1]))
            ic = up(v, THRESHOLD_G, lo, p)
            tc = down(v, THRESHOLD_G, p, hi)
            ic_next = up(v, THRESHOLD_G, hi, peaks[k + 1])
            if ic is None or tc is None or ic_next is None:
                continue
            rules = {"0.3 g crossing (gaitline)": tc, "last 0.3 g crossing before the trough": down(v, THRESHOLD_G, p, hi, last=True)}
            # Spring-mass timing: te between the crossings of the step's mean level (body weight), the
            # step T from IC to the next IC; the contact the sine model gives, centred on te.
            step = ic_next - ic
            level = v[int(ic):int(ic_next)].mean()
            u = next((i - 1 + (level - v[i - 1]) / (v[i] - v[i - 1]) for i in range(int(ic) + 1, p + 1) if v[i - 1] <= level < v[i]), None)
            d = next((j - 1 + (v[j - 1] - level) / (v[j - 1] - v[j]) for j in range(int(tc) + 1, p, -1) if v[j - 1] >= level > v[j]), None)
            if u is not None and d is not None:
                tc_model = duty_from_effective((d - u) / step) * step
                rules["spring-mass sine from te and T, centred on te"] = d + (tc_model - (d - u)) / 2
                rules["spring-mass sine from te and T, from IC"] = ic + tc_model
            # Donahue 2022 (lower back): the largest AP peak between IC + 100 ms and the next IC − 20 ms
            # (windows as in the Running_IMU re-implementation, Lubrano 2026); AP mean removed over the step.
            w = ap - ap[int(ic):int(ic_next)].mean()
            lo_ap, hi_ap = int(ic) + int(0.1 * FS), int(ic_next) - int(0.02 * FS)
            cands = peaks_in(w, lo_ap, hi_ap)
            if cands:
                rules["Donahue 2022 AP peak"] = max(cands, key=lambda j: w[j])
            # Horizontal force back to zero: AP (mean removed) falls through zero after its propulsive peak.
            q = p + int(np.argmax(w[p:int(ic_next)]))
            z = down(w, 0.0, q, int(ic_next))
            if z is not None:
                rules["AP zero crossing after the propulsive peak"] = z
            # End of the final unloading: its steepest descent, extrapolated to the flight trough (tangent),
            # or the largest curvature after it (knee).
            g1 = down(v, 1.0, p, hi)
            if g1 is not None:
                m = int(g1)
                while m > p and v[m - 1] >= v[m]:
                    m -= 1
                s = m + int(np.argmin(d1[m:hi]))
                if d1[s] < 0:
                    rules["final descent tangent to the flight trough"] = s + (v[hi] - v[s]) / d1[s] * FS
                rules["final descent knee (largest curvature)"] = s + int(np.argmax(d2[s:hi + 1]))
            # Mid-stance symmetry (spring-mass: the centre of mass is lowest, its vertical velocity zero, halfway
            # through the contact): toe-off mirrored from IC about the lowest point of the step's displacement
            # (double integration from IC to the next IC, mean removed, as for vertical oscillation).
            seg = v[int(round(ic)):int(round(ic_next))]
            vel = np.cumsum(seg - seg.mean()) / FS
            disp = np.cumsum(vel - vel.mean()) / FS
            rules["mid-stance symmetry (toe-off = IC mirrored about the displacement trough)"] = 2 * (int(round(ic)) + int(np.argmin(disp))) - ic
            # Flight symmetry (free fall: the apex, where the vertical velocity is zero, halfway through the
            # flight when toe-off and landing are at one height): toe-off = the next IC mirrored about the apex.
            tail = len(disp) // 3
            rules["flight symmetry (toe-off = next IC mirrored about the displacement apex)"] = 2 * (int(round(ic)) + tail + int(np.argmax(disp[tail:]))) - ic_next
            # Toe-off where the signal falls to a fraction of the stance peak's height above the flight trough
            # (a filtered edge crosses a fixed fraction of its height at a fixed delay); the fraction is chosen
            # leave-one-out below, scored here over a grid.
            for f in FRACTIONS:
                t_rel = down(v, v[hi] + f * (v[p] - v[hi]), p, hi)
                if t_rel is not None:
                    relative.setdefault((trial, k), {})[f] = ((t_rel - ic) / FS - (tc_true - ic_true)) * 1000
            for name, t in rules.items():
                if t is None:
                    continue
                errors.setdefault(name, []).append((trial, k, ((t - ic) / FS - (tc_true - ic_true)) * 1000, (t / FS - tc_true) * 1000))
    print("rule | n | contact time bias / SD / RMSE (ms) | toe-off bias / SD (ms) | SD of trial means (ms)")
    for name, rows in errors.items():
        ct = np.array([r[2] for r in rows])
        to = np.array([r[3] for r in rows])
        trials = sorted({r[0] for r in rows})
        means = [np.mean([r[2] for r in rows if r[0] == t]) for t in trials]
        print(f"{name} | {len(ct)} | {ct.mean():+.1f} / {ct.std():.1f} / {np.sqrt((ct ** 2).mean()):.1f} | "
              f"{to.mean():+.1f} / {to.std():.1f} | {np.std(means):.1f}")
    combine(errors, condition)
    relative_loo(relative, condition)


def combine(errors, condition):
    """The 0.3 g rule and the spring-mass rule averaged: their toe-off errors are only weakly correlated.
    Equal weights without an offset, then a weight and an offset chosen on all but one trial / slope /
    speed and scored on the held-out one (the offset absorbs the spring-mass rule's bias)."""
    a = {(r[0], r[1]): r[2] for r in errors["0.3 g crossing (gaitline)"]}
    b = {(r[0], r[1]): r[2] for r in errors["spring-mass sine from te and T, centred on te"]}
    keys = sorted(set(a) & set(b))
    ca, cb = np.array([a[k] for k in keys]), np.array([b[k] for k in keys])
    trial = np.array([k[0] for k in keys])
    print(f"contact-time errors of the two rules: r = {np.corrcoef(ca, cb)[0, 1]:.2f}")
    c = (ca + cb) / 2
    print(f"equal-weight average, no offset | {len(c)} | {c.mean():+.1f} / {c.std():.1f} / {np.sqrt((c ** 2).mean()):.1f}")
    # Patoz et al. 2021 (Front Bioeng Biotechnol 9:687951): the sine reconstruction is 35 ms short of the force
    # plate's contact time on their runners (a published offset, measured on force-plate effective timings).
    for label, x in [("spring-mass + 35 ms (Patoz 2021)", cb + 35), ("equal average with spring-mass + 35 ms", (ca + cb + 35) / 2)]:
        print(f"{label} | {len(x)} | {x.mean():+.1f} / {x.std():.1f} / {np.sqrt((x ** 2).mean()):.1f}")

    def fit(mask):
        best = None
        for w in np.linspace(0, 1, 101):
            x = w * ca[mask] + (1 - w) * cb[mask]
            r = x.std()
            if best is None or r < best[0]:
                best = (r, w, -x.mean())
        return best[1], best[2]

    w, off = fit(np.ones(len(ca), bool))
    x = w * ca + (1 - w) * cb + off
    print(f"weight {w:.2f} and offset {off:+.1f} ms chosen on all trials (in-sample) | RMSE {np.sqrt((x ** 2).mean()):.1f}")
    for label, group in [("trial", trial), ("slope", np.array([condition[t][1] for t in trial])),
                         ("speed", np.array([condition[t][0] for t in trial]))]:
        held = np.zeros(len(ca))
        base = np.zeros(len(ca))
        for u in sorted(set(group)):
            h = group == u
            w, off = fit(~h)
            held[h] = w * ca[h] + (1 - w) * cb[h] + off
            base[h] = ca[h] - ca[~h].mean()
        print(f"leave one {label} out: averaged {held.mean():+.1f} / {held.std():.1f} / {np.sqrt((held ** 2).mean()):.1f}; "
              f"0.3 g rule with its held-out offset RMSE {np.sqrt((base ** 2).mean()):.1f}")


FRACTIONS = [round(0.02 * i, 2) for i in range(1, 21)]


def relative_loo(relative, condition):
    """The toe-off level as a fraction of the stance peak above the flight trough: the fraction with the
    smallest contact-time RMSE on all but one trial / slope / speed, scored on the held-out one."""
    keys = sorted(k for k, row in relative.items() if len(row) == len(FRACTIONS))
    e = np.array([[relative[k][f] for f in FRACTIONS] for k in keys])
    trial = np.array([k[0] for k in keys])
    rmse = np.sqrt((e ** 2).mean(axis=0))
    print(f"toe-off at a fraction of the stance peak | {len(keys)} | best on all trials {FRACTIONS[int(np.argmin(rmse))]}: "
          f"RMSE {rmse.min():.1f} (in-sample)")
    for label, group in [("trial", trial), ("slope", np.array([condition[t][1] for t in trial])),
                         ("speed", np.array([condition[t][0] for t in trial]))]:
        held = np.zeros(len(keys))
        for u in sorted(set(group)):
            h = group == u
            held[h] = e[h, int(np.argmin(np.sqrt((e[~h] ** 2).mean(axis=0))))]
        print(f"  leave one {label} out: {held.mean():+.1f} / {held.std():.1f} / {np.sqrt((held ** 2).mean()):.1f}")


if __name__ == "__main__":
    main()
