/**
 * The unit of the results store: one part per detector run on one distorted copy
 * (`det=<detector>/op=<op_id>/part-<unit>.parquet`), shared by the store and its shard parts.
 * @module
 */

/** Identifies one part of the store: a detector run on one distorted copy. */
export interface StoreUnit {
  /** Detector name; every row's `detector` must equal it. */
  detector: string;
  /** Operation instance id; every row's `op_id` must equal it. */
  opId: string;
  /** Unit id, unique within (detector, op): letters, digits, `_`, `-`, `.`, `+`; no leading `.`. */
  unitId: string;
}
