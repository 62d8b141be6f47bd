/**
 * L2-regularised logistic regression, fitted deterministically: features are standardised, the
 * weights found by a fixed number of Newton (IRLS) steps solved with a Cholesky factorisation in
 * float64, in a fixed loop order. The same data always gives the same weights, bit for bit, so
 * a model built from them has the same bytes. Used to train the demo detector's head.
 * @module
 */
import type { LinearHead } from "./model.ts";

/** Options of {@link fitLogistic}. */
export interface FitLogisticOptions {
  /** L2 penalty on the standardised weights (not on the bias). Default 1. */
  l2?: number;
  /** Newton steps (fixed: no early stop, so the result does not depend on a tolerance). Default 25. */
  iterations?: number;
}

/** A fitted model: the head over raw features (standardisation folded in) and its parts. */
export interface LogisticFit extends LinearHead {
  weights: Float64Array;
  bias: number;
  /** Per-feature mean and standard deviation used for standardisation. */
  mean: Float64Array;
  std: Float64Array;
  /** Mean log-loss on the training data at the end. */
  loss: number;
}

/**
 * Fits `P(y=1|x) = sigmoid(w.x + b)` to `rows` (each a feature vector of equal length) and
 * `labels` (0/1). Returns weights over the raw features: standardisation `(x - mean) / std` is
 * folded into them. Features with zero spread get weight 0. Throws on empty or ragged input.
 */
export function fitLogistic(
  rows: readonly ArrayLike<number>[],
  labels: ArrayLike<number>,
  options: FitLogisticOptions = {},
): LogisticFit {
  const n = rows.length;
  if (n === 0 || labels.length !== n) {
    throw new Error(`fitLogistic: ${n} rows and ${labels.length} labels; need equal, non-zero`);
  }
  const d = rows[0].length;
  for (const row of rows) {
    if (row.length !== d) throw new Error(`fitLogistic: rows of ${row.length} and ${d} features`);
  }
  const l2 = options.l2 ?? 1;
  const iterations = options.iterations ?? 25;
  const mean = new Float64Array(d);
  const std = new Float64Array(d);
  for (const row of rows) for (let j = 0; j < d; j++) mean[j] += row[j];
  for (let j = 0; j < d; j++) mean[j] /= n;
  for (const row of rows) for (let j = 0; j < d; j++) std[j] += (row[j] - mean[j]) ** 2;
  for (let j = 0; j < d; j++) std[j] = Math.sqrt(std[j] / n);
  // Design matrix with a leading column of ones for the bias.
  const p = d + 1;
  const x = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    x[i * p] = 1;
    for (let j = 0; j < d; j++) {
      x[i * p + j + 1] = std[j] > 0 ? (rows[i][j] - mean[j]) / std[j] : 0;
    }
  }
  const beta = new Float64Array(p);
  const grad = new Float64Array(p);
  const hess = new Float64Array(p * p);
  const prob = new Float64Array(n);
  for (let it = 0; it < iterations; it++) {
    grad.fill(0);
    hess.fill(0);
    for (let i = 0; i < n; i++) {
      let z = 0;
      for (let j = 0; j < p; j++) z += x[i * p + j] * beta[j];
      const q = sigmoid(z);
      prob[i] = q;
      const r = q - labels[i];
      const w = Math.max(q * (1 - q), 1e-12);
      for (let j = 0; j < p; j++) {
        const xj = x[i * p + j];
        grad[j] += r * xj;
        if (xj === 0) continue;
        for (let k = 0; k <= j; k++) hess[j * p + k] += w * xj * x[i * p + k];
      }
    }
    for (let j = 1; j < p; j++) {
      grad[j] += l2 * beta[j];
      hess[j * p + j] += l2;
    }
    // A tiny ridge on the bias too keeps the system positive definite on separable data.
    hess[0] += 1e-9;
    const step = choleskySolve(hess, grad, p);
    for (let j = 0; j < p; j++) beta[j] -= step[j];
  }
  let loss = 0;
  for (let i = 0; i < n; i++) {
    let z = 0;
    for (let j = 0; j < p; j++) z += x[i * p + j] * beta[j];
    const q = sigmoid(z);
    loss -= labels[i] ? Math.log(Math.max(q, 1e-15)) : Math.log(Math.max(1 - q, 1e-15));
  }
  const weights = new Float64Array(d);
  let bias = beta[0];
  for (let j = 0; j < d; j++) {
    if (std[j] === 0) continue;
    weights[j] = beta[j + 1] / std[j];
    bias -= weights[j] * mean[j];
  }
  return { weights, bias, mean, std, loss: loss / n };
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Solves `A s = b` for a symmetric positive definite `A` given by its lower triangle. */
function choleskySolve(a: Float64Array, b: Float64Array, p: number): Float64Array {
  const l = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    let sum = a[j * p + j];
    for (let k = 0; k < j; k++) sum -= l[j * p + k] * l[j * p + k];
    const diag = Math.sqrt(Math.max(sum, 1e-300));
    l[j * p + j] = diag;
    for (let i = j + 1; i < p; i++) {
      let s = a[i * p + j];
      for (let k = 0; k < j; k++) s -= l[i * p + k] * l[j * p + k];
      l[i * p + j] = s / diag;
    }
  }
  const y = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * p + k] * y[k];
    y[i] = s / l[i * p + i];
  }
  const out = new Float64Array(p);
  for (let i = p - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < p; k++) s -= l[k * p + i] * out[k];
    out[i] = s / l[i * p + i];
  }
  return out;
}
