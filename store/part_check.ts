/**
 * Reading units' parts back: one part, telling a damaged part from a missing one; or the parts
 * of several units as one frame. A part appears
 * atomically, so a damaged one was hurt after it was written (a truncated copy, a disk error):
 * the unit counts as not done and its next run writes it again, instead of every run stopping on
 * Polars' error (`parquet: File out of specification: ...`), which names no file.
 * @module
 */
import pl from "../deps/polars.ts";
import type { ScoreRow } from "./schema.ts";
import { type StoreProblem, type StoreUnit, unitPath } from "./store.ts";

/** What {@link readUnitFrame} found. */
export type UnitFrame =
  | { kind: "missing" }
  | { kind: "damaged"; problem: StoreProblem }
  | { kind: "ok"; frame: pl.DataFrame };

/**
 * Reads the part of `unit` under `storeDir` into a Polars frame, in full (every data page, so
 * damage shows): missing, damaged (cannot be read, or not whole Parquet), or the frame. The one
 * reading of a single part; {@link readUnitPart} and store/part_state.ts derive from it.
 */
export async function readUnitFrame(storeDir: string, unit: StoreUnit): Promise<UnitFrame> {
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
    return { kind: "ok", frame: pl.readParquet(path) };
  } catch (error) {
    const reason = String(error instanceof Error ? error.message : error).split("\n")[0];
    return { kind: "damaged", problem: { path, reason: `unreadable Parquet: ${reason}` } };
  }
}

/** What {@link readUnitPart} found. */
export type UnitPart =
  | { kind: "missing" }
  | { kind: "damaged"; problem: StoreProblem }
  | { kind: "ok"; rows: ScoreRow[] };

/** Reads the part of `unit` under `storeDir` in full, as rows ({@link readUnitFrame}). */
export async function readUnitPart(storeDir: string, unit: StoreUnit): Promise<UnitPart> {
  const found = await readUnitFrame(storeDir, unit);
  if (found.kind !== "ok") return found;
  return { kind: "ok", rows: found.frame.toRecords() as unknown as ScoreRow[] };
}

/**
 * The parts of `units` that exist under `storeDir`, read whole and stacked into one frame in the
 * order given (a missing part is skipped); null when none exists. Throws Polars' error when a
 * part cannot be read (use {@link readUnitPart} to tell a damaged part apart).
 */
export async function readUnitsFrame(
  storeDir: string,
  units: readonly StoreUnit[],
): Promise<pl.DataFrame | null> {
  const frames: pl.DataFrame[] = [];
  for (const unit of units) {
    const path = unitPath(storeDir, unit);
    const exists = await Deno.stat(path).then(() => true, () => false);
    if (exists) frames.push(pl.readParquet(path));
  }
  if (frames.length === 0) return null;
  return frames.length === 1 ? frames[0] : pl.concat(frames, { how: "vertical" });
}
