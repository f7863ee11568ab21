#!/usr/bin/env python3
"""Offline comparison of sacral toe-off rules on the bundled force-plate trials (issue 13).

One-off analysis behind docs/EVIDENCE.md ("Sacrum toe-off: published and physical cues tried"), not part
of the product. It re-implements gaitline's running contact rule (20 Hz zero-phase low-pass, contact while
the sensor's vertical acceleration exceeds 0.3 g around each stance peak) and compares toe-off rules that
have no parameter fitted on these trials. Each reference stance from the force plate (5 % body weight) is
paired with the stance peak inside it; the first and last stance of each trial are left out (the rules
need the neighbouring contacts). Prints contact-time and toe-off error (ms): n, bias, SD, RMSE and the SD
of the per-trial means. Usage: scripts/sacrum-toeoff-offline.py (numpy, scipy).
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
    for r in csv.DictReader(open(os.path.join(DATA, "ground_truth_contacts.csv"))):
        truth.setdefault(int(r["trial"]), []).append((float(r["ic_time_s"]), float(r["tc_time_s"])))
    b, a = butter(2, 20 / (FS / 2))
    errors = {}
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
            for name, t in rules.items():
                if t is None:
                    continue
                errors.setdefault(name, []).append((trial, ((t - ic) / FS - (tc_true - ic_true)) * 1000, (t / FS - tc_true) * 1000))
    print("rule | n | contact time bias / SD / RMSE (ms) | toe-off bias / SD (ms) | SD of trial means (ms)")
    for name, rows in errors.items():
        ct = np.array([r[1] for r in rows])
        to = np.array([r[2] for r in rows])
        trials = sorted({r[0] for r in rows})
        means = [np.mean([r[1] for r in rows if r[0] == t]) for t in trials]
        print(f"{name} | {len(ct)} | {ct.mean():+.1f} / {ct.std():.1f} / {np.sqrt((ct ** 2).mean()):.1f} | "
              f"{to.mean():+.1f} / {to.std():.1f} | {np.std(means):.1f}")


if __name__ == "__main__":
    main()
