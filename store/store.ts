/**
 * The results store on disk: hive-partitioned Parquet parts
 * `<store>/det=<detector>/op=<op_id>/part-<unit>.parquet`, one part per (detector run, copy)
 * unit, written atomically. A rerun of a unit replaces its part. See docs/store.md.
 * @module
 */
import pl from "../deps/polars.ts";
import { basename, dirname, join } from "node:path";
import { shownPath } from "../util/shown_path.ts";
import { atomicProduce, exists } from "../util/atomic.ts";
import { logLine } from "../util/progress.ts";
import { FACE_RULES, VIDEO_RULES } from "./aggregation.ts";
import { polarsDtype, scoreFrame, type ScoreRow, STORE_COLUMNS } from "./schema.ts";
import { selectUnitParts, splitShardUnitId } from "./shard_parts.ts";
import type { StoreUnit } from "./unit.ts";
import { commandLine } from "../util/command_line.ts";

export type { StoreUnit } from "./unit.ts";

/** A store that cannot be used: missing, empty, or (in strict mode) with damaged parts. */
export class StoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StoreError";
  }
}

/** A part that {@link scanStore} left out, and why. */
export interface StoreProblem {
  /** Path of the part file. */
  path: string;
  /** What is wrong with it. */
  reason: string;
}

/** Options for {@link scanStore}. */
export interface ScanStoreOptions {
  /**
   * How much of each part to check before it joins the scan. `"footer"` (default) checks the
   * Parquet magic bytes, the footer and the schema: cheap, catches truncated and foreign files.
   * `"full"` reads every part completely (catches damaged data pages too) and scans the data read.
   */
  verify?: "footer" | "full";
  /** Throw a {@link StoreError} naming every bad part instead of leaving them out. */
  strict?: boolean;
  /** Called once per part left out; default: a warning line on stderr. */
  onProblem?: (problem: StoreProblem) => void;
}

const PART_PREFIX = "part-";
const PART_SUFFIX = ".parquet";
const UNIT_ID = /^[A-Za-z0-9_+\-][A-Za-z0-9_.+\-]*$/;

/** Path of the part file for `unit` under `storeDir` (whether or not it exists yet). */
export function unitPath(storeDir: string, unit: StoreUnit): string {
  if (!UNIT_ID.test(unit.unitId)) {
    throw new StoreError(
      `Invalid unit id "${unit.unitId}": use letters, digits, "_", "-", "+", "." (not first)`,
    );
  }
  return join(
    storeDir,
    `det=${partitionValue(unit.detector, "detector")}`,
    `op=${partitionValue(unit.opId, "op_id")}`,
    `${PART_PREFIX}${unit.unitId}${PART_SUFFIX}`,
  );
}

/**
 * Writes the rows of one unit as its part file, atomically (temporary file + rename); a part
 * already there for the same unit is replaced, so a rerun never duplicates rows.
 * Returns the part's path. Throws a {@link StoreError} naming the first bad row (wrong detector
 * or op for the unit, label not 0/1, unknown rule, score outside [0, 1]).
 */
export async function writeUnit(
  storeDir: string,
  unit: StoreUnit,
  rows: readonly ScoreRow[],
): Promise<string> {
  const path = unitPath(storeDir, unit);
  rows.forEach((row, i) => checkRow(row, i, unit));
  const frame = scoreFrame(rows);
  await atomicProduce(path, (tmp) => {
    frame.writeParquet(tmp, { compression: "zstd" });
    return Promise.resolve();
  });
  return path;
}

/** True when the part file for `unit` exists (parts appear atomically, so it is complete). */
export function hasUnit(storeDir: string, unit: StoreUnit): Promise<boolean> {
  return exists(unitPath(storeDir, unit));
}

/**
 * The unit id of a part file name (`part-<unit>.parquet` -> `<unit>`; a shard part's id keeps its
 * `.shard-<i>of<N>` suffix, store/shard_parts.ts); null for any other name.
 */
export function partUnitId(fileName: string): string | null {
  if (!fileName.startsWith(PART_PREFIX) || !fileName.endsWith(PART_SUFFIX)) return null;
  const unitId = fileName.slice(PART_PREFIX.length, -PART_SUFFIX.length);
  return UNIT_ID.test(unitId) ? unitId : null;
}

/**
 * Paths of every part file under `storeDir` (whole parts and shard parts alike), sorted; [] when
 * there is none. Readers go through {@link readableParts}, which applies the shard rule.
 */
export async function listParts(storeDir: string): Promise<string[]> {
  const parts: string[] = [];
  for await (const det of readDirSafe(storeDir)) {
    if (!det.isDirectory || !det.name.startsWith("det=")) continue;
    for await (const op of readDirSafe(join(storeDir, det.name))) {
      if (!op.isDirectory || !op.name.startsWith("op=")) continue;
      for await (const file of readDirSafe(join(storeDir, det.name, op.name))) {
        if (
          file.isFile && file.name.startsWith(PART_PREFIX) && file.name.endsWith(PART_SUFFIX)
        ) parts.push(join(storeDir, det.name, op.name, file.name));
      }
    }
  }
  return parts.sort();
}

/**
 * The parts a reader reads: every part file but those the shard reading rule leaves out
 * (store/shard_parts.ts: a whole part supersedes its unit's shard parts; an incomplete or mixed
 * set of shard parts is left out, with the reason, so nothing is counted twice).
 */
export async function readableParts(
  storeDir: string,
): Promise<{ parts: string[]; problems: StoreProblem[] }> {
  const byFolder = Map.groupBy(await listParts(storeDir), (path) => dirname(path));
  const parts: string[] = [];
  const problems: StoreProblem[] = [];
  for (const files of byFolder.values()) {
    const selected = selectUnitParts(files.map((path) => ({
      path,
      ...splitShardUnitId(partUnitId(basename(path)) ?? basename(path)),
    })));
    // One by one, not spread into push(): a spread of a store's thousands of parts would pass
    // each as an argument, and overflow the call stack.
    for (const path of selected.read) parts.push(path);
    for (const left of selected.leftOut) {
      for (const path of left.paths) problems.push({ path, reason: left.reason });
    }
  }
  return { parts: parts.sort(), problems };
}

/**
 * A lazy frame over every part of the store, with the columns of `STORE_COLUMNS` in order.
 * A damaged or foreign part is left out and named (via `onProblem`, default a warning on
 * stderr) while the other parts still read; `strict` makes it an error instead. Shard parts
 * follow the reading rule of store/shard_parts.ts (never counted twice; an incomplete set is
 * left out and named like a damaged part).
 * Throws a {@link StoreError} when the store is missing, holds no part, or no part is readable.
 */
export async function scanStore(
  storeDir: string,
  options: ScanStoreOptions = {},
): Promise<pl.LazyDataFrame> {
  const frames = await scanStoreParts(storeDir, options);
  return frames.length === 1 ? frames[0] : pl.concat(frames, { how: "vertical" });
}

/** Options for {@link scanStoreParts}: {@link scanStore}'s, and how parts are batched. */
export interface ScanStorePartsOptions extends ScanStoreOptions {
  /**
   * Consecutive parts are joined into one frame while their Parquet files add up to at most
   * this many bytes (a larger part stays alone): few small queries instead of many tiny ones,
   * memory still bounded. Default 0: one frame per part.
   */
  batchBytes?: number;
}

/**
 * Throws {@link StoreError} naming `storeDir` (and what to run) when it does not exist or holds
 * no part file (`det=<d>/op=<o>/part-<unit>.parquet`); reads no Parquet.
 */
export async function requireStoreParts(storeDir: string): Promise<void> {
  if (!(await exists(storeDir))) {
    throw new StoreError(
      `Results store ${shownPath(storeDir)} does not exist: run "${commandLine("eval")}" to fill ` +
        "it, or check --store",
    );
  }
  if ((await listParts(storeDir)).length === 0) {
    throw new StoreError(
      `Results store ${shownPath(storeDir)} is empty: no det=*/op=*/part-*.parquet files ` +
        `(run "${commandLine("eval")}")`,
    );
  }
}

/**
 * {@link scanStore}, one lazy frame per part or batch of parts (the same parts, checks, problems
 * and errors): for readers that reduce each on its own, so that no more than one batch's rows
 * are in memory at a time (store/video_scores.ts `videoOutcomesByPart`).
 */
export async function scanStoreParts(
  storeDir: string,
  options: ScanStorePartsOptions = {},
): Promise<pl.LazyDataFrame[]> {
  await requireStoreParts(storeDir);
  const verify = options.verify ?? "footer";
  const frames: pl.LazyDataFrame[] = [];
  const { parts, problems } = await readableParts(storeDir);
  let batch: pl.LazyDataFrame[] = [];
  let batchBytes = 0;
  const close = () => {
    if (batch.length > 0) {
      frames.push(batch.length === 1 ? batch[0] : pl.concat(batch, { how: "vertical" }));
    }
    batch = [];
    batchBytes = 0;
  };
  for (const path of parts) {
    const checked = verify === "full" ? readPartFully(path) : await checkPartFooter(path);
    if (typeof checked === "string") {
      problems.push({ path, reason: checked });
      continue;
    }
    const bytes = (options.batchBytes ?? 0) > 0 ? (await Deno.stat(path)).size : Infinity;
    if (batchBytes + bytes > (options.batchBytes ?? 0)) close();
    batch.push(checked);
    batchBytes += bytes;
  }
  close();
  if (problems.length > 0 && options.strict) {
    throw new StoreError(
      `Results store "${storeDir}" has ${problems.length} unreadable part(s):\n` +
        problems.map((p) => `  ${p.path}: ${p.reason}`).join("\n"),
    );
  }
  const report = options.onProblem ??
    ((p: StoreProblem) => logLine(`warning: skipping store part "${p.path}": ${p.reason}`));
  problems.forEach(report);
  if (frames.length === 0) {
    throw new StoreError(
      `Results store "${storeDir}" has no readable part (${problems.length} damaged): ` +
        problems.map((p) => `"${p.path}" (${p.reason})`).join(", "),
    );
  }
  return frames;
}

// Hive path values: keep safe characters, percent-encode the rest (Polars and pyarrow decode
// %XX in partition values), and never start with "." (hidden from dataset readers).
function partitionValue(value: string, what: string): string {
  if (value.length === 0) throw new StoreError(`Empty ${what}: a store unit needs one`);
  const bytes = new TextEncoder().encode(value);
  let out = "";
  for (const byte of bytes) {
    const ch = String.fromCharCode(byte);
    const safe = /[A-Za-z0-9_+\-]/.test(ch) || (ch === "." && out.length > 0);
    out += safe && byte < 128 ? ch : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

function checkRow(row: ScoreRow, i: number, unit: StoreUnit): void {
  const where = `row ${i} (video "${row.video_id}", frame ${row.frame_index})`;
  const fail = (what: string) => {
    throw new StoreError(
      `Cannot store unit ${unit.detector}/${unit.opId}/${unit.unitId}: ${where} ${what}`,
    );
  };
  if (row.detector !== unit.detector) fail(`has detector "${row.detector}"`);
  if (row.op_id !== unit.opId) fail(`has op_id "${row.op_id}"`);
  if (row.label !== 0 && row.label !== 1) fail(`has label ${row.label} (want 0 or 1)`);
  if (!FACE_RULES.includes(row.face_rule)) fail(`has unknown face_rule "${row.face_rule}"`);
  if (!VIDEO_RULES.includes(row.video_rule)) fail(`has unknown video_rule "${row.video_rule}"`);
  if (row.score !== null && !(row.score >= 0 && row.score <= 1)) {
    fail(`has score ${row.score} outside [0, 1] (store null with a failure status instead)`);
  }
  if (row.status === "ok" && row.score === null) fail(`has status "ok" but no score`);
  for (const column of STORE_COLUMNS) {
    const value = row[column.name];
    if ((value === undefined && !column.optional) || (value === null && !column.nullable)) {
      fail(`lacks ${column.name}`);
    }
  }
}

async function checkPartFooter(path: string): Promise<pl.LazyDataFrame | string> {
  let file: Deno.FsFile | undefined;
  try {
    file = await Deno.open(path, { read: true });
    const size = (await file.stat()).size;
    if (size < 12) return `file is ${size} bytes, too short for Parquet`;
    const head = new Uint8Array(4);
    const tail = new Uint8Array(8);
    await readExactly(file, head, 0);
    await readExactly(file, tail, size - 8);
    if (!isMagic(head, 0) || !isMagic(tail, 4)) {
      return "not a complete Parquet file (magic bytes PAR1 missing: truncated or foreign)";
    }
    const footerLength = new DataView(tail.buffer).getUint32(0, true);
    if (footerLength + 12 > size) return `footer length ${footerLength} exceeds the file`;
  } catch (error) {
    return `cannot read: ${error instanceof Error ? error.message : error}`;
  } finally {
    file?.close();
  }
  try {
    const scan = pl.scanParquet(path);
    // Collecting zero rows resolves the footer and schema without reading data pages.
    const columns = partColumns(scan.limit(0).collectSync().schema);
    return typeof columns === "string" ? columns : scan.select(...columns);
  } catch (error) {
    return `unreadable Parquet footer: ${firstLine(error)}`;
  }
}

function readPartFully(path: string): pl.LazyDataFrame | string {
  try {
    const frame = pl.readParquet(path);
    const columns = partColumns(frame.schema);
    return typeof columns === "string" ? columns : frame.lazy().select(...columns);
  } catch (error) {
    return `unreadable Parquet: ${firstLine(error)}`;
  }
}

const NUMERIC_VARIANTS = new Set([
  "Int8",
  "Int16",
  "Int32",
  "Int64",
  "UInt8",
  "UInt16",
  "UInt32",
  "UInt64",
  "Float32",
  "Float64",
]);
const TEXT_VARIANTS = new Set(["Utf8", "String", "Categorical"]);

// The store's columns, in order and type, from a part's schema; or what makes the part unusable.
// Parts written before a nullable column existed get nulls there (the schema may grow).
function partColumns(schema: Record<string, pl.DataType>): pl.Expr[] | string {
  const missing = STORE_COLUMNS.filter((c) => !(c.name in schema) && !c.nullable);
  if (missing.length > 0) {
    return `missing column(s) ${missing.map((c) => c.name).join(", ")} (not a dfrobust part?)`;
  }
  const columns: pl.Expr[] = [];
  for (const c of STORE_COLUMNS) {
    const dtype = polarsDtype(c.dtype);
    const found = schema[c.name];
    if (found === undefined || (found.variant === "Null" && c.nullable)) {
      columns.push(pl.lit(null).cast(dtype).alias(c.name));
      continue;
    }
    const wanted = c.dtype === "utf8" ? TEXT_VARIANTS : NUMERIC_VARIANTS;
    if (!wanted.has(found.variant)) return `column ${c.name} has type ${found} (want ${dtype})`;
    columns.push(pl.col(c.name).cast(dtype));
  }
  return columns;
}

async function readExactly(file: Deno.FsFile, into: Uint8Array, offset: number): Promise<void> {
  await file.seek(offset, Deno.SeekMode.Start);
  let read = 0;
  while (read < into.length) {
    const n = await file.read(into.subarray(read));
    if (n === null) throw new Error(`unexpected end of file at byte ${offset + read}`);
    read += n;
  }
}

function isMagic(bytes: Uint8Array, at: number): boolean {
  return bytes[at] === 0x50 && bytes[at + 1] === 0x41 && bytes[at + 2] === 0x52 &&
    bytes[at + 3] === 0x31;
}

function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split("\n")[0];
}

async function* readDirSafe(path: string): AsyncGenerator<Deno.DirEntry> {
  try {
    yield* Deno.readDir(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}
