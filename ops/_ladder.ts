/**
 * Internal helpers for the family records: building a ladder, reading a numeric parameter, the
 * identity geometry, even-sided downscaling. Not re-exported from mod.ts.
 * @module
 */
import type { OpLevel, OpParams } from "./operation.ts";
import { type Geometry, IDENTITY_GEOMETRY } from "./geometry.ts";

/** The geometry of operations that keep every pixel where it is. */
export function _keep(): Geometry {
  return { ...IDENTITY_GEOMETRY };
}

/** A numeric parameter; throws naming it when missing or not a number. */
export function _num(params: OpParams, key: string): number {
  const value = params[key];
  if (typeof value !== "number") throw new Error(`operation parameter "${key}" must be a number`);
  return value;
}

/** Output side for a `num/den` downscale, rounded down to an even number (yuv420p needs it). */
export function _scaledSide(side: number, numerator: number, denominator: number): number {
  // Same left-to-right double arithmetic as the ffmpeg expression trunc(iw*n/d/2)*2.
  return Math.max(2, Math.trunc(side * numerator / denominator / 2) * 2);
}

/**
 * A ladder from `[id, params]` rows and `[id, params, label]` rows for the paper's levels (the
 * label is the paper's Table I column name), mildest first; severities count from 1.
 */
export function _levels(
  family: string,
  rows: readonly [id: string, params: OpParams, paperLabel?: string][],
): OpLevel[] {
  return rows.map(([id, params, paperLabel], i) => ({
    severity: i + 1,
    id: id || family,
    params,
    ...(paperLabel === undefined ? {} : { paper: true, label: paperLabel }),
  }));
}
