/**
 * A small seeded pseudo-random generator, so that bootstrap intervals (metrics/), the generated
 * demo dataset (demo/) and test data are the same on every run and machine.
 * @module
 */

/**
 * Returns a generator of uniform numbers in [0, 1) from a 32-bit `seed` (mulberry32: fast,
 * passes the usual statistical batteries well enough for resampling; not for cryptography).
 *
 * @example
 * ```ts
 * import { seededRandom } from "./prng.ts";
 * const random = seededRandom(42);
 * const a = random();
 * if (!(a >= 0 && a < 1)) throw new Error("out of range");
 * ```
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return function next(): number {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
