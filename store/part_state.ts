/**
 * Whether a unit's part is there, reads back whole, and when it was written, without turning its
 * rows into JavaScript records: Polars reads the part in full (every data page, so damage shows
 * exactly as it does when the rows are read, store/part_check.ts) and hands back one value, the
 * latest `created_at`. That is what deciding "is this unit done?" needs (eval/unit_lifecycle.ts);
 * the rows are read only where they are used. A lazy scan of `created_at` alone would be cheaper
 * still, but would count a part with a damaged page in another column as whole. Costs:
 * docs/benchmarks.md, "Store".
 * @module
 */
import pl from "../deps/polars.ts";
import { type StoreProblem, unitPath } from "./store.ts";
import type { StoreUnit } from "./unit.ts";

/** What {@link partState} found. */
export type PartState =
  | { kind: "missing" }
  /** The part does not read back whole (truncated, a damaged page, not Parquet). */
  | { kind: "damaged"; problem: StoreProblem }
  /** The part reads back whole; `writtenAt` is its rows' latest `created_at` ("" when none). */
  | { kind: "written"; writtenAt: string };

/** The state of the part of `unit` under `storeDir` (module doc); never throws for the part. */
export async function partState(storeDir: string, unit: StoreUnit): Promise<PartState> {
  const path = unitPath(storeDir, unit);
  try {
    await Deno.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { kind: "missing" };
    return {
      kind: "damaged",
      problem: { path, reason: `cannot read: ${(error as Error).message}` },
    };
  }
  try {
    const frame = pl.readParquet(path);
    if (frame.height === 0 || !frame.columns.includes("created_at")) {
      return { kind: "written", writtenAt: "" };
    }
    const latest = frame.select(pl.col("created_at").max()).getColumn("created_at").get(0);
    return { kind: "written", writtenAt: typeof latest === "string" ? latest : "" };
  } catch (error) {
    const reason = String(error instanceof Error ? error.message : error).split("\n")[0];
    return { kind: "damaged", problem: { path, reason: `unreadable Parquet: ${reason}` } };
  }
}
