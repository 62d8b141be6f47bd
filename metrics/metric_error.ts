/**
 * Input types shared by the metrics and the error they throw on bad input.
 * @module
 */

/** Binary labels: 1 or `true` = fake (positive class), 0 or `false` = real. */
export type BinaryLabels = ArrayLike<number | boolean>;

/** Scores: higher = more likely fake. Finite numbers, same length as the labels. */
export type Scores = ArrayLike<number>;

/**
 * Thrown when metric inputs are unusable: lengths differ, a label is not 0/1, a score is NaN or
 * infinite, or a ranking metric gets only one class. The message says which and where.
 */
export class MetricError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = "MetricError";
  }
}
