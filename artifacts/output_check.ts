/**
 * Is a copy's video still the one its manifest describes? The manifest holds each output's
 * SHA-256; hashing every video on every run would cost a full read, so a small cache beside the
 * manifest (`.verified.json`: size, modification time and SHA-256 of each output when it was last
 * hashed) lets a check stop at `stat`: a size other than the cached one is a damaged file at
 * once, the same size and modification time is the verified file, anything else is hashed (and
 * the cache updated when the hash matches). The cache is local bookkeeping, not part of the
 * artifact: losing it costs one hash per file. Writing it is best effort (a read-only copy
 * folder is checked by hashing). Used by distort (reuse or redo a finished copy) and eval (never
 * score a damaged file).
 * @module
 */
import { join } from "node:path";
import { DatasetFileError, resolveDatasetFile } from "../dataset/video_file.ts";
import { atomicWriteJson } from "../util/atomic.ts";
import { sha256File } from "../util/hash.ts";
import { fileKind } from "../util/regular_file.ts";
import { isCopyOutput } from "./copy_manifest.ts";
import { compareIds } from "../util/compare.ts";

/** File name of the cache of verified outputs inside a copy folder. */
export const VERIFIED_CACHE_FILE = ".verified.json";

const CACHE_SCHEMA = "dfrobust.verified/1";

/** An output to check: its path relative to the copy folder and its SHA-256 from the manifest. */
export interface ExpectedOutput {
  /** Relative path (`videos/<file>`), as in the manifest. */
  output: string;
  /** SHA-256 the manifest records. */
  sha256: string;
}

/** An output of a copy that may not be read; the message names it and where it leads. */
export class CopyOutputError extends Error {
  override name = "CopyOutputError";
}

/**
 * The real file (links resolved, absolute) of the output `output` (relative, as a manifest gives
 * it) of the copy in `copyDir`: the one file readers hash or read for it. Throws a
 * {@link CopyOutputError} naming it when `output` is not a relative path inside the copy folder,
 * when it is missing, when it leads (a link, or through a linked folder) outside the copy folder
 * (itself resolved), or when it is not a regular file. No flag allows a link out of a copy:
 * distort's outputs are files, and its `unaltered` copy holds hard links.
 */
export async function resolveCopyOutput(copyDir: string, output: string): Promise<string> {
  // Where a refused link leads is not named: messages reach the store and shared reports.
  const refuse = (why: string) =>
    new CopyOutputError(`Output "${output}" of the copy "${copyDir}" ${why}: refused, never read`);
  if (!isCopyOutput(copyDir, output)) throw refuse("is not a relative path inside the copy folder");
  try {
    return await resolveDatasetFile(copyDir, join(copyDir, output));
  } catch (error) {
    if (!(error instanceof DatasetFileError)) throw error;
    const real = await Deno.realPath(join(copyDir, output)).catch(() => null);
    if (real === null) throw refuse("leads to no file (a missing file or a dangling link)");
    const info = await Deno.stat(real).catch(() => null);
    if (info && !info.isFile) throw refuse(`is ${fileKind(info)}, not a regular file`);
    throw refuse("is a link leading outside the copy folder (a copy's files stay inside it)");
  }
}

/** Why an output is not the one its manifest describes. */
export interface OutputProblem {
  /** Relative path of the output. */
  output: string;
  /** Absolute (or copy-folder-joined) path of the file. */
  file: string;
  /**
   * `missing`, `refused` (not a regular file inside the copy folder: a link out of it, a FIFO;
   * never read), `size` (bytes differ from the verified size), `hash` (content differs).
   */
  kind: "missing" | "refused" | "size" | "hash";
  /** One sentence naming the file, for messages and store rows. */
  message: string;
}

interface CacheEntry {
  sha256: string;
  size: number;
  mtimeMs: number;
}

/**
 * Checks `outputs` of the copy in `copyDir` against their manifest hashes, cheaply where the
 * cache allows (see the module doc). Returns the problems, in the order of `outputs`; an empty
 * list means every output is intact. Updates the cache for files it had to hash.
 */
export async function checkOutputs(
  copyDir: string,
  outputs: readonly ExpectedOutput[],
): Promise<OutputProblem[]> {
  const cache = await readCache(copyDir);
  const problems: OutputProblem[] = [];
  let changed = false;
  for (const expected of outputs) {
    const file = join(copyDir, expected.output);
    const exists = await Deno.lstat(file).then(() => true, () => false);
    if (!exists) {
      problems.push(problem(expected, file, "missing", "is missing"));
      continue;
    }
    // Only the real file inside the copy is read: a link out of it is never followed.
    const real = await resolveCopyOutput(copyDir, expected.output).catch((error) => error);
    if (real instanceof CopyOutputError) {
      problems.push({ output: expected.output, file, kind: "refused", message: real.message });
      continue;
    }
    if (real instanceof Error) throw real;
    const stat = await Deno.stat(real).catch(() => null);
    if (!stat?.isFile) {
      problems.push(problem(expected, file, "missing", "is missing"));
      continue;
    }
    const mtimeMs = stat.mtime?.getTime() ?? 0;
    const cached = cache[expected.output];
    if (cached?.sha256 === expected.sha256) {
      if (cached.size !== stat.size) {
        problems.push(
          problem(expected, file, "size", `has ${stat.size} bytes, ${cached.size} when verified`),
        );
        continue;
      }
      if (cached.mtimeMs === mtimeMs) continue;
    }
    const actual = await sha256File(real).catch(() => null);
    if (actual !== expected.sha256) {
      problems.push(
        problem(expected, file, "hash", `has SHA-256 ${actual ?? "(unreadable)"}`),
      );
      continue;
    }
    cache[expected.output] = { sha256: actual, size: stat.size, mtimeMs };
    changed = true;
  }
  if (changed) await writeCache(copyDir, cache);
  return problems;
}

/**
 * Records `outputs` as verified now (their hashes were just computed by the caller): stats each
 * file and rewrites the cache. Files that cannot be stat'ed are left out.
 */
export async function recordVerified(
  copyDir: string,
  outputs: readonly ExpectedOutput[],
): Promise<void> {
  const cache: Record<string, CacheEntry> = {};
  for (const { output, sha256 } of outputs) {
    const real = await resolveCopyOutput(copyDir, output).catch(() => null);
    const stat = real === null ? null : await Deno.stat(real).catch(() => null);
    if (stat?.isFile) {
      cache[output] = { sha256, size: stat.size, mtimeMs: stat.mtime?.getTime() ?? 0 };
    }
  }
  await writeCache(copyDir, cache);
}

function problem(
  expected: ExpectedOutput,
  file: string,
  kind: OutputProblem["kind"],
  what: string,
): OutputProblem {
  return {
    output: expected.output,
    file,
    kind,
    message: `"${file}" ${what}, but its copy manifest records SHA-256 ${expected.sha256}: ` +
      `the file was changed or damaged after it was made`,
  };
}

async function readCache(copyDir: string): Promise<Record<string, CacheEntry>> {
  try {
    const doc = JSON.parse(await Deno.readTextFile(join(copyDir, VERIFIED_CACHE_FILE)));
    if (doc?.schema !== CACHE_SCHEMA || typeof doc.files !== "object" || doc.files === null) {
      return {};
    }
    const files: Record<string, CacheEntry> = {};
    for (const [output, entry] of Object.entries(doc.files as Record<string, CacheEntry>)) {
      if (
        typeof entry?.sha256 === "string" && Number.isFinite(entry.size) &&
        Number.isFinite(entry.mtimeMs)
      ) files[output] = entry;
    }
    return files;
  } catch {
    return {};
  }
}

async function writeCache(copyDir: string, files: Record<string, CacheEntry>): Promise<void> {
  const sorted = Object.fromEntries(Object.entries(files).sort(([a], [b]) => compareIds(a, b)));
  await atomicWriteJson(join(copyDir, VERIFIED_CACHE_FILE), { schema: CACHE_SCHEMA, files: sorted })
    .catch(() => {});
}
