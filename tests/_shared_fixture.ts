/**
 * Expensive test fixtures built once per `deno test` run and shared, read-only, by every suite
 * that asks for them (in the same worker, in other test files, in `--parallel` workers).
 *
 * A fixture is a folder made by a `build` function. {@link sharedFixture} returns the folder,
 * building it on first use under a lock; later calls (any file, any worker of the same
 * `deno test` process) wait for that build and get the same folder. A failed build is not
 * remembered: the next caller builds again and sees the error itself.
 *
 * Rules for suites that use one:
 * - Read only. A test that changes the files copies the fixture first
 *   ({@link copySharedFixture}); a test that checks that nothing changes (a rerun reuses every
 *   file) may run on the fixture itself, since its check fails loudly when anything changes.
 * - `key` names everything the build depends on besides the repository's code (options, seeds,
 *   counts): two suites that pass equal keys get the same folder, so they must mean the same
 *   build.
 *
 * Where: `<tmp>/dfrobust-test-shared/<pid>-<start time>/<name>-<key hash>/`, one folder per
 * `deno test` process, so every run builds afresh from the code as it is (never a stale
 * fixture from an earlier run). The folders of runs whose process is gone are removed when the
 * next run makes its first fixture; the last run's stay in the temporary folder until then.
 * @module
 */
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { readProcStat } from "../util/proc.ts";

/** Parent of the per-run folders. */
export const SHARED_FIXTURES_ROOT: string = join(tmpdir(), "dfrobust-test-shared");

const DONE = ".done";
const LOCK = ".lock";
// A fixture whose builder died without releasing its lock (SIGKILL) is rebuilt after this long.
const STALE_LOCK_MS = 30 * 60_000;

const memo = new Map<string, Promise<string>>();

/**
 * Returns the folder of the shared fixture `name` with `key`, building it with `build(dir)` (an
 * empty folder) the first time this `deno test` process asks. Concurrent callers wait for the
 * one build. Throws what `build` throws (and leaves nothing behind, so a later call retries).
 *
 * @example
 * ```ts ignore
 * const data = await sharedFixture("small-demo", { reals: 3 }, async (dir) => {
 *   await generateDemoDataset(dir, { reals: 3 });
 * });
 * ```
 */
export function sharedFixture(
  name: string,
  key: unknown,
  build: (dir: string) => Promise<void>,
): Promise<string> {
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(name)) {
    throw new RangeError(
      `Shared fixture name must be lowercase letters, digits, _ or -: "${name}"`,
    );
  }
  const hash = createHash("sha256").update(JSON.stringify(key ?? null)).digest("hex");
  const dir = join(runFolder(), `${name}-${hash.slice(0, 16)}`);
  let made = memo.get(dir);
  if (!made) {
    made = buildOnce(dir, build);
    memo.set(dir, made);
    // A failed build is not remembered: the next caller tries again.
    made.catch(() => memo.delete(dir));
  }
  return made;
}

/**
 * Copies the shared fixture folder `fixture` into `dest` (created; must not exist), for a test
 * that changes the files. Hard links would share the bytes, so this copies.
 */
export async function copySharedFixture(fixture: string, dest: string): Promise<void> {
  await Deno.mkdir(dest, { recursive: true });
  for await (const entry of Deno.readDir(fixture)) {
    if (entry.name === DONE || entry.name === LOCK) continue;
    const from = join(fixture, entry.name);
    const to = join(dest, entry.name);
    if (entry.isDirectory) await copySharedFixture(from, to);
    else if (entry.isSymlink) await Deno.symlink(await Deno.readLink(from), to);
    else await Deno.copyFile(from, to);
  }
}

async function buildOnce(dir: string, build: (dir: string) => Promise<void>): Promise<string> {
  await Deno.mkdir(runFolder(), { recursive: true });
  await removeOldRuns();
  for (;;) {
    if (await exists(join(dir, DONE))) return dir;
    const lock = await takeLock(`${dir}${LOCK}`);
    if (!lock) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      continue;
    }
    try {
      if (await exists(join(dir, DONE))) return dir;
      await Deno.remove(dir, { recursive: true }).catch(() => {});
      await Deno.mkdir(dir, { recursive: true });
      try {
        await build(dir);
      } catch (error) {
        await Deno.remove(dir, { recursive: true }).catch(() => {});
        throw error;
      }
      await Deno.writeTextFile(join(dir, DONE), new Date().toISOString());
      return dir;
    } finally {
      await Deno.remove(`${dir}${LOCK}`).catch(() => {});
    }
  }
}

// True when this caller created the lock file; a lock older than STALE_LOCK_MS is broken.
async function takeLock(path: string): Promise<boolean> {
  try {
    (await Deno.open(path, { createNew: true, write: true })).close();
    return true;
  } catch (error) {
    if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    const stat = await Deno.stat(path).catch(() => null);
    if (stat?.mtime && Date.now() - stat.mtime.getTime() > STALE_LOCK_MS) {
      await Deno.remove(path).catch(() => {});
    }
    return false;
  }
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

let run: string | undefined;

// This process's folder: pid and start time (a pid alone can be reused by a later run).
function runFolder(): string {
  run ??= join(SHARED_FIXTURES_ROOT, processStamp(Deno.pid));
  return run;
}

// "<pid>-<start time in clock ticks>" (util/proc.ts); "<pid>" where that cannot be told.
function processStamp(pid: number): string {
  const stat = readProcStat(pid);
  return stat ? `${pid}-${stat.start}` : String(pid);
}

// Removes the folders of earlier runs whose process is gone (a live one is another run's).
async function removeOldRuns(): Promise<void> {
  for await (const entry of Deno.readDir(SHARED_FIXTURES_ROOT)) {
    const pid = Number(entry.name.split("-")[0]);
    if (!entry.isDirectory || !Number.isInteger(pid) || entry.name === basename(runFolder())) {
      continue;
    }
    // Kept while its process runs, and whenever that cannot be told (no /proc, no FFI).
    const stat = readProcStat(pid);
    const gone = stat === null || (stat !== undefined &&
      (`${pid}-${stat.start}` !== entry.name || stat.state === "Z" || stat.state === "X"));
    if (!gone) continue;
    await Deno.remove(join(SHARED_FIXTURES_ROOT, entry.name), { recursive: true }).catch(() => {});
  }
}
