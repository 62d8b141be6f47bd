/**
 * Internal: the complementary error function and the standard normal distribution, for the
 * p-values of the paired tests.
 *
 * Why here: JavaScript has no `erf`/`erfc`, and none of the packages behind `deps/` provides
 * one. The approximation is W. J. Cody's rational Chebyshev one (W. J. Cody, "Rational
 * Chebyshev Approximations for the Error Function", Mathematics of Computation 23(107):
 * 631-637, 1969), evaluated as in his Fortran routine CALERF (SPECFUN, netlib.org/specfun/erf):
 * three intervals (|x| <= 0.46875, <= 4, > 4), and `exp(-x^2)` split as `exp(-s^2) exp(-(x-s)(x+s))`
 * with `s = trunc(16 x) / 16` so that squaring x costs no accuracy in the tail. Cody reports
 * relative errors below 6e-19 for the approximations themselves; in double precision the
 * results are within a few ulps (tests/metrics_paired_oracle_test.ts compares them with
 * scipy.special.erfc and ndtr, tails included).
 * @module
 */

// Coefficients as published by Cody (1969) and used in CALERF.
const A = [
  3.16112374387056560e0,
  1.13864154151050156e2,
  3.77485237685302021e2,
  3.20937758913846947e3,
  1.85777706184603153e-1,
];
const B = [
  2.36012909523441209e1,
  2.44024637934444173e2,
  1.28261652607737228e3,
  2.84423683343917062e3,
];
const C = [
  5.64188496988670089e-1,
  8.88314979438837594e0,
  6.61191906371416295e1,
  2.98635138197400131e2,
  8.81952221241769090e2,
  1.71204761263407058e3,
  2.05107837782607147e3,
  1.23033935479799725e3,
  2.15311535474403846e-8,
];
const D = [
  1.57449261107098347e1,
  1.17693950891312499e2,
  5.37181101862009858e2,
  1.62138957456669019e3,
  3.29079923573345963e3,
  4.36261909014324716e3,
  3.43936767414372164e3,
  1.23033935480374942e3,
];
const P = [
  3.05326634961232344e-1,
  3.60344899949804439e-1,
  1.25781726111229246e-1,
  1.60837851487422766e-2,
  6.58749161529837803e-4,
  1.63153871373020978e-2,
];
const Q = [
  2.56852019228982242e0,
  1.87295284992346047e0,
  5.27905102951428412e-1,
  6.05183413124413191e-2,
  2.33520497626869185e-3,
];
/** 1 / sqrt(pi). */
const SQRPI = 5.6418958354775628695e-1;
/** Below this, x^2 underflows the erf series: erf(x) = 2x / sqrt(pi) (CALERF's XSMALL). */
const XSMALL = 1.11e-16;
/** Above this, erfc(x) underflows to 0 in double precision (CALERF's XBIG). */
const XBIG = 26.543;

/**
 * erfc(x) = 1 - erf(x) for any real x: 2 at -Infinity, 0 at +Infinity, NaN for NaN. Accurate to
 * a few ulps (relative) over the whole range, including the far tail where 1 - erf(x) would
 * cancel to 0; underflows to 0 above x = 26.543.
 */
export function _erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const y = Math.abs(x);
  if (y <= 0.46875) {
    const ysq = y > XSMALL ? y * y : 0;
    let num = A[4] * ysq;
    let den = ysq;
    for (let i = 0; i < 3; i++) {
      num = (num + A[i]) * ysq;
      den = (den + B[i]) * ysq;
    }
    return 1 - x * (num + A[3]) / (den + B[3]);
  }
  let result: number;
  if (y <= 4) {
    let num = C[8] * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + C[i]) * y;
      den = (den + D[i]) * y;
    }
    result = expMinusSquare(y) * (num + C[7]) / (den + D[7]);
  } else if (y < XBIG) {
    const ysq = 1 / (y * y);
    let num = P[5] * ysq;
    let den = ysq;
    for (let i = 0; i < 4; i++) {
      num = (num + P[i]) * ysq;
      den = (den + Q[i]) * ysq;
    }
    const tail = ysq * (num + P[4]) / (den + Q[4]);
    result = expMinusSquare(y) * ((SQRPI - tail) / y);
  } else {
    result = 0;
  }
  return x < 0 ? 2 - result : result;
}

/** exp(-y^2) without the rounding error of y * y: y = s + r with s a multiple of 1/16. */
function expMinusSquare(y: number): number {
  const s = Math.trunc(y * 16) / 16;
  const del = (y - s) * (y + s);
  return Math.exp(-s * s) * Math.exp(-del);
}

/**
 * Standard normal CDF, P(Z <= x): `erfc(-x / sqrt 2) / 2`, as scipy's `ndtr`. Rounding x / sqrt 2
 * costs about x^2 * 2e-16 relative in the lower tail (1e-13 at x = -37), the conditioning of
 * the problem rather than of the method.
 */
export function _normalCdf(x: number): number {
  return 0.5 * _erfc(-x * Math.SQRT1_2);
}

/**
 * Two-sided p-value of a standard normal statistic: P(|Z| >= |z|) = erfc(|z| / sqrt 2).
 * 1 at z = 0, 0 at z = ±Infinity (and below 1e-308, beyond |z| = 37.5), NaN for NaN.
 */
export function _twoSidedP(z: number): number {
  return _erfc(Math.abs(z) * Math.SQRT1_2);
}
