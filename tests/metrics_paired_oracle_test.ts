/**
 * The paired comparisons, the normal tail and the nearest-point EER against independent python
 * implementations (numpy, scipy, scikit-learn) on generated, tie-heavy data. Python runs once,
 * in one process; the suite is skipped loudly without scikit-learn (fails under CI=true).
 *
 * - DeLong: the O(m n) structural-components formulation with the Heaviside kernel (1, 1/2, 0)
 *   and numpy's covariance, as DeLong et al. (1988) write it, against our midrank version.
 * - Normal tail: scipy.special.erfc / ndtr / norm.sf, and mpmath (40 digits) where installed.
 * - Holm: adjusted p-values as the smallest level at which Holm's sequential procedure rejects.
 * - Paired bootstrap: mulberry32 and the stratified, clustered draw re-implemented in python,
 *   AUCs by scikit-learn, percentiles by numpy: the same intervals from the same seed.
 * - EER: DeepfakeBench's `fpr[np.nanargmin(np.absolute(fnr - fpr))]` over `roc_curve` (default
 *   drop_intermediate) and Capsule-Forensics' `brentq(... interp1d(fpr, tpr) ...)`.
 */
import assert from "node:assert/strict";
import { runJson, skipWithout } from "./_tools.ts";
import { pairedAucTest } from "../metrics/delong.ts";
import { equalErrorRate } from "../metrics/equal_error_rate.ts";
import { holmAdjust } from "../metrics/holm.ts";
import { pairedBootstrapDelta } from "../metrics/paired_bootstrap.ts";
import { seededRandom } from "../util/prng.ts";
import { _erfc, _normalCdf, _twoSidedP } from "../metrics/_normal.ts";

interface PairedCase {
  name: string;
  labels: number[];
  a: number[];
  b: number[];
}

interface BootstrapCase extends PairedCase {
  seed: number;
  resamples: number;
  confidence: number;
  clusters: string[] | null;
}

interface Oracle {
  delong: {
    aucA: number;
    aucB: number;
    delta: number;
    se: number;
    z: number | null;
    p: number | null;
  }[];
  normal: {
    erfc: number[];
    ndtr: number[];
    twoSided: number[];
    mpErfc: number[] | null;
    mpNdtr: number[] | null;
  };
  holm: (number | null)[][];
  bootstrap: { low: number; high: number; resamples: number }[];
  eer: { nearest: number; brentq: number }[];
}

const ORACLE = String.raw`
import json, math, sys
import numpy as np
from scipy.interpolate import interp1d
from scipy.optimize import brentq
from scipy.special import erfc, ndtr
from scipy.stats import norm
from sklearn.metrics import roc_auc_score, roc_curve

def delong(y, a, b):
    # DeLong, DeLong & Clarke-Pearson (1988): structural components from the full kernel.
    pos, neg = y == 1, y == 0
    m, n = int(pos.sum()), int(neg.sum())
    def kernel(s):
        x, r = s[pos][:, None], s[neg][None, :]
        return (x > r) * 1.0 + (x == r) * 0.5
    ka, kb = kernel(a), kernel(b)
    v10 = np.vstack([ka.mean(axis=1), kb.mean(axis=1)])
    v01 = np.vstack([ka.mean(axis=0), kb.mean(axis=0)])
    s = np.cov(v10) / m + np.cov(v01) / n
    var = s[0, 0] + s[1, 1] - 2 * s[0, 1]
    auc_a, auc_b = ka.mean(), kb.mean()
    delta = auc_a - auc_b
    se = math.sqrt(max(var, 0.0))
    if se == 0:  # z and p are ours to define then: JSON gets null
        return {"aucA": auc_a, "aucB": auc_b, "delta": delta, "se": se, "z": None, "p": None}
    z = delta / se
    return {"aucA": auc_a, "aucB": auc_b, "delta": delta, "se": se, "z": z,
            "p": float(2 * norm.sf(abs(z)))}

def holm_by_procedure(p):
    # Adjusted p-value = smallest level alpha at which Holm's step-down procedure rejects.
    kept = [i for i, v in enumerate(p) if v is not None]
    m = len(kept)
    order = sorted(kept, key=lambda i: p[i])
    def rejected(alpha):
        out = []
        for k, i in enumerate(order):
            if p[i] * (m - k) <= alpha:
                out.append(i)
            else:
                break
        return out
    levels = sorted({min(1.0, p[i] * (m - k)) for k, i in enumerate(order)} | {1.0})
    adjusted = {}
    for alpha in levels:
        for i in rejected(alpha):
            adjusted.setdefault(i, alpha)
    return [None if v is None else adjusted.get(i, 1.0) for i, v in enumerate(p)]

M = 0xFFFFFFFF
def mulberry32(seed):
    state = [seed & M]
    def imul(x, y):
        return (x * y) & M
    def nxt():
        state[0] = (state[0] + 0x6D2B79F5) & M
        t = state[0]
        t = imul(t ^ (t >> 15), t | 1)
        t = (t ^ ((t + imul(t ^ (t >> 7), t | 61)) & M)) & M
        return ((t ^ (t >> 14)) & M) / 4294967296
    return nxt

def paired_bootstrap(c):
    y, a, b = (np.array(c[k], dtype=float) for k in ("labels", "a", "b"))
    keys = c["clusters"] if c["clusters"] is not None else list(range(len(y)))
    groups = {}
    for i, key in enumerate(keys):
        groups.setdefault(key, []).append(i)
    groups = list(groups.values())
    strata = [[g for g in groups if y[g[0]] == 1], [g for g in groups if y[g[0]] == 0]]
    random = mulberry32(c["seed"])
    deltas = []
    for _ in range(c["resamples"]):
        drawn = []
        for stratum in strata:
            for _ in range(len(stratum)):
                drawn.extend(stratum[math.floor(random() * len(stratum))])
        yy = y[drawn]
        deltas.append(roc_auc_score(yy, a[drawn]) - roc_auc_score(yy, b[drawn]))
    q = (1 - c["confidence"]) / 2
    low, high = np.quantile(np.array(deltas), [q, (1 + c["confidence"]) / 2])
    return {"low": float(low), "high": float(high), "resamples": len(deltas)}

def eer(c):
    y, s = np.array(c["labels"]), np.array(c["a"], dtype=float)
    # DeepfakeBench, training/metrics/utils.py get_test_metrics:
    fpr, tpr, _ = roc_curve(y, s, pos_label=1)
    fnr = 1 - tpr
    nearest = fpr[np.nanargmin(np.absolute((fnr - fpr)))]
    # Capsule-Forensics-v2, test_vid_binary_ffpp.py:
    interpolated = brentq(lambda x: 1. - x - interp1d(fpr, tpr)(x), 0., 1.)
    return {"nearest": float(nearest), "brentq": float(interpolated)}

data = json.load(sys.stdin)
xs = np.array(data["normal"], dtype=float)
normal = {"erfc": erfc(xs).tolist(), "ndtr": ndtr(xs).tolist(),
          "twoSided": (2 * norm.sf(np.abs(xs))).tolist(), "mpErfc": None, "mpNdtr": None}
try:
    import mpmath
    mpmath.mp.dps = 40
    normal["mpErfc"] = [float(mpmath.erfc(x)) for x in xs]
    normal["mpNdtr"] = [float(mpmath.ncdf(x)) for x in xs]
except ImportError:
    pass
out = {
    "delong": [delong(np.array(c["labels"]), np.array(c["a"], dtype=float),
                      np.array(c["b"], dtype=float)) for c in data["delong"]],
    "normal": normal,
    "holm": [holm_by_procedure(p) for p in data["holm"]],
    "bootstrap": [paired_bootstrap(c) for c in data["bootstrap"]],
    "eer": [eer(c) for c in data["eer"]],
}
json.dump(out, sys.stdout)
`;

/** Paired scores: a shared latent per video (weight `shared`) plus each detector's own noise. */
function pairedCase(size: number, levels: number, rate: number, shared: number, seed: number) {
  const random = seededRandom(seed);
  const labels: number[] = [];
  const a: number[] = [];
  const b: number[] = [];
  const round = (v: number) => levels === 0 ? v : Math.round(v * (levels - 1)) / (levels - 1);
  for (let i = 0; i < size; i++) labels.push(random() < rate ? 1 : 0);
  labels[0] = labels[1] = 1; // DeLong's variance needs two of each class
  labels[size - 1] = labels[size - 2] = 0;
  for (let i = 0; i < size; i++) {
    const common = random();
    const own = (weight: number) => (1 - shared) * random() + shared * common + weight * labels[i];
    a.push(round(Math.min(1, own(0.3) * 0.8)));
    b.push(round(Math.min(1, own(0.15) * 0.8)));
  }
  return {
    name: `n=${size} levels=${levels} fakes=${rate} shared=${shared}`,
    labels,
    a,
    b,
  };
}

function delongCases(): PairedCase[] {
  const cases: PairedCase[] = [];
  let seed = 1;
  for (const size of [7, 20, 50, 333, 1000, 5000]) {
    for (const levels of [2, 3, 10, 1000, 0]) {
      for (const [rate, shared] of [[0.5, 0.9], [0.1, 0.5], [0.9, 0]]) {
        cases.push(pairedCase(size, levels, rate, shared, seed++));
      }
    }
  }
  return cases;
}

function normalPoints(): number[] {
  const xs: number[] = [0, 1e-300, 5e-17, -5e-17, 0.46875, -0.46875, 4, -4, 26.5, 26.55, 37.5];
  for (let x = -38.5; x <= 38.5; x += 0.0731) xs.push(x);
  for (let x = 0.4; x < 0.55; x += 0.001) xs.push(x); // across the first break
  for (let x = 3.95; x < 4.05; x += 0.001) xs.push(x); // across the second
  return xs;
}

function holmFamilies(): (number | null)[][] {
  const random = seededRandom(99);
  const families: (number | null)[][] = [[], [0.5], [null], [0, 1, 1, 0]];
  for (let f = 0; f < 40; f++) {
    const size = 1 + Math.floor(random() * 60);
    families.push(Array.from({ length: size }, () => {
      const u = random();
      if (u < 0.1) return null;
      if (u < 0.3) return Math.round(random() * 20) / 100; // ties
      return random() ** 3; // many small p-values
    }));
  }
  return families;
}

function bootstrapCases(): BootstrapCase[] {
  const clustered = pairedCase(240, 0, 0.4, 0.7, 77);
  // Frames of videos: four consecutive samples with one label form a video.
  const clusters = clustered.labels.map((l, i) => `${l}/${Math.floor(i / 4)}`);
  return [
    {
      ...pairedCase(60, 3, 0.5, 0.8, 31),
      seed: 0,
      resamples: 200,
      confidence: 0.95,
      clusters: null,
    },
    {
      ...pairedCase(200, 0, 0.2, 0.6, 32),
      seed: 12345,
      resamples: 150,
      confidence: 0.9,
      clusters: null,
    },
    { ...clustered, seed: 7, resamples: 100, confidence: 0.95, clusters },
  ];
}

function eerCases(): PairedCase[] {
  const cases: PairedCase[] = [];
  let seed = 500;
  for (const size of [4, 7, 50, 333, 5000]) {
    for (const levels of [2, 3, 10, 1000, 0]) {
      for (const rate of [0.5, 0.1, 0.9]) cases.push(pairedCase(size, levels, rate, 0.5, seed++));
    }
  }
  return cases;
}

function runOracle(input: unknown): Promise<Oracle> {
  return runJson("python oracle", "/usr/bin/python3", ["-c", ORACLE], input);
}

function near(actual: number, expected: number, tolerance: number, what: string) {
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${what}: got ${actual}, python says ${expected} (|diff| ${Math.abs(actual - expected)})`,
  );
}

/** Relative tolerance where `expected` is a normal double, absolute 1e-300 below that. */
function nearRelative(actual: number, expected: number, tolerance: number, what: string) {
  const allowed = Math.abs(expected) >= 1e-300 ? tolerance * Math.abs(expected) : 1e-300;
  near(actual, expected, allowed, what);
}

Deno.test({
  name: "paired statistics agree with independent numpy/scipy/scikit-learn implementations",
  ignore: skipWithout("python-sklearn", "paired statistics vs python"),
  async fn(t) {
    const delong = delongCases();
    const normal = normalPoints();
    const holm = holmFamilies();
    const bootstrap = bootstrapCases();
    const eer = eerCases();
    const oracle = await runOracle({ delong, normal, holm, bootstrap, eer });

    await t.step("pairedAucTest() matches the O(m n) DeLong computation within 1e-9", async (t) => {
      let degenerate = 0;
      for (const [i, c] of delong.entries()) {
        await t.step(c.name, () => {
          const got = pairedAucTest(c.labels, c.a, c.b);
          const want = oracle.delong[i];
          near(got.aucA, want.aucA, 1e-12, "aucA");
          near(got.aucB, want.aucB, 1e-12, "aucB");
          near(got.delta, want.delta, 1e-12, "delta");
          near(got.se, want.se, 1e-9, "se");
          if (want.z === null || want.p === null) {
            // Zero variance (tiny coarse cases): exactly 0 here too, and z, p as documented.
            degenerate++;
            assert.equal(got.se, 0);
            assert.deepEqual(
              [got.z, got.p],
              got.delta === 0 ? [0, 1] : [Math.sign(got.delta) * Infinity, 0],
            );
            return;
          }
          nearRelative(got.z, want.z, 1e-9, "z");
          near(got.p, want.p, 1e-9, "p");
          nearRelative(got.p, want.p, 1e-7, "p (relative)");
        });
      }
      assert.equal(delong.length, 90);
      assert.ok(degenerate <= 3, `${degenerate} cases with zero variance`);
    });

    await t.step("erfc and the normal CDF match scipy (and mpmath) into the far tails", () => {
      const { erfc, ndtr, twoSided, mpErfc, mpNdtr } = oracle.normal;
      for (const [i, x] of normal.entries()) {
        // scipy's erfc (Cephes) loses ~1e-13 relative beyond x = 20; ours is checked against
        // mpmath below at 2e-15.
        nearRelative(_erfc(x), erfc[i], 1e-13, `erfc(${x}) vs scipy`);
        nearRelative(_normalCdf(x), ndtr[i], 1e-13, `ndtr(${x}) vs scipy`);
        nearRelative(_twoSidedP(x), twoSided[i], 1e-13, `2 sf(|${x}|) vs scipy`);
        if (mpErfc !== null && mpNdtr !== null) {
          nearRelative(_erfc(x), mpErfc[i], 2e-15, `erfc(${x}) vs mpmath`);
          // x / sqrt 2 is rounded (<= 2.2e-16 relative) and the tail's condition number is
          // about x^2: 1e-13 at x = -37, for any erfc-based CDF (scipy's ndtr included).
          nearRelative(_normalCdf(x), mpNdtr[i], 2e-15 + 2.5e-16 * x * x, `ncdf(${x}) vs mpmath`);
        }
      }
      if (mpErfc === null) {
        console.error("NOTE: mpmath not installed: erfc checked against scipy only");
      }
      assert.ok(normal.length > 1000);
    });

    await t.step("holmAdjust() is the smallest level at which Holm's procedure rejects", () => {
      for (const [i, family] of holm.entries()) {
        const got = holmAdjust(family.map((p) => p ?? NaN));
        const want = oracle.holm[i].map((p) => p ?? NaN);
        assert.deepEqual(got, want, `family ${i}: ${JSON.stringify(family)}`);
        // Monotone in the raw p-values and never below them.
        family.forEach((p, j) => {
          if (p !== null) assert.ok(got[j] >= p && got[j] <= 1);
          family.forEach((q, k) => {
            if (p !== null && q !== null && p < q) assert.ok(got[j] <= got[k]);
          });
        });
      }
    });

    await t.step("pairedBootstrapDelta() equals a python re-implementation draw for draw", () => {
      for (const [i, c] of bootstrap.entries()) {
        const got = pairedBootstrapDelta(c.labels, c.a, c.b, {
          seed: c.seed,
          resamples: c.resamples,
          confidence: c.confidence,
          clusters: c.clusters ?? undefined,
        });
        const want = oracle.bootstrap[i];
        near(got.low, want.low, 1e-12, `${c.name}: low`);
        near(got.high, want.high, 1e-12, `${c.name}: high`);
        assert.equal(got.resamples, want.resamples);
        assert.ok(got.low < got.high, `${c.name}: a non-degenerate interval`);
      }
    });

    await t.step(
      "equalErrorRate() nearest is DeepfakeBench's, interpolated Capsule-Forensics'",
      async (t) => {
        let differ = 0;
        for (const [i, c] of eer.entries()) {
          await t.step(c.name, () => {
            const nearest = equalErrorRate(c.labels, c.a, { method: "nearest" });
            const interpolated = equalErrorRate(c.labels, c.a);
            assert.equal(nearest, oracle.eer[i].nearest, "nearest: same ROC point as numpy");
            near(interpolated, oracle.eer[i].brentq, 1e-9, "interpolated vs brentq");
            if (nearest !== interpolated) differ++;
          });
        }
        // The two definitions really differ on most of these (coarse, tied) cases.
        assert.ok(differ > eer.length / 2, `only ${differ} of ${eer.length} differ`);
      },
    );
  },
});
