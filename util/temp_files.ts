/**
 * Temporary files of atomic writes, named for the process that writes them:
 * `.<target>.<host>+<pid>+<start>.<nonce>.tmp` beside the target (same file system, so the final
 * rename is atomic; hidden, so dataset readers skip it). A cleaner removes a temporary file only
 * when its owner is gone (util/owner.ts), so two runs on one folder never delete each other's
 * files in flight. Names without an owner (`.<target>.<nonce>.tmp`, written by dfrobust before
 * temporary files carried one) are orphans.
 * @module
 */
import { join } from "node:path";
import { currentOwner, type Owner, ownerGone, ownerTag, parseOwnerTag } from "./owner.ts";

/** A temporary file name for `target` (a file name, not a path), owned by this process. */
export function tempName(target: string): string {
  return `.${target}.${ownerTag(currentOwner())}.${crypto.randomUUID().slice(0, 8)}.tmp`;
}

/** What a temporary file's name says: the file it will become, and who writes it. */
export interface TempFileName {
  /** File name of the target. */
  target: string;
  /** The writing process; null for an untagged (older) name, which no live run owns. */
  owner: Owner | null;
}

const TAGGED = /^\.(.+)\.([A-Za-z0-9-]+\+\d+\+\d+)\.[0-9a-f]{8}\.tmp$/;
const UNTAGGED = /^\.(.+)\.[0-9a-f]{8}\.tmp$/;

/** Reads a temporary file name; null when `name` is not one. */
export function parseTempName(name: string): TempFileName | null {
  const tagged = TAGGED.exec(name);
  if (tagged) {
    const owner = parseOwnerTag(tagged[2]);
    if (owner) return { target: tagged[1], owner };
  }
  const untagged = UNTAGGED.exec(name);
  return untagged ? { target: untagged[1], owner: null } : null;
}

/** Options of {@link staleTempFiles} and {@link removeStaleTempFiles}. */
export interface StaleTempOptions {
  /** Only temporary files of this target file name. Default: every temporary file. */
  target?: string;
  /** Only targets this test accepts (e.g. store parts). Default: every target. */
  accept?: (target: string) => boolean;
}

/**
 * The temporary files directly in `dir` whose owner is gone (dead, on another host and unchanged
 * for 5 minutes, or untagged), as paths joined onto `dir`, sorted. A missing folder has none.
 */
export async function staleTempFiles(
  dir: string,
  options: StaleTempOptions = {},
): Promise<string[]> {
  const stale: string[] = [];
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(dir));
  } catch {
    return [];
  }
  for (const entry of entries) {
    const parsed = parseTempName(entry.name);
    if (!parsed) continue;
    if (options.target !== undefined && parsed.target !== options.target) continue;
    if (options.accept && !options.accept(parsed.target)) continue;
    const path = join(dir, entry.name);
    if (parsed.owner) {
      const modified = await Deno.lstat(path).then((s) => s.mtime?.getTime() ?? 0, () => null);
      if (modified === null || !ownerGone(parsed.owner, modified)) continue;
    }
    stale.push(path);
  }
  return stale.sort();
}

/** Removes what {@link staleTempFiles} finds; returns the paths removed. */
export async function removeStaleTempFiles(
  dir: string,
  options: StaleTempOptions = {},
): Promise<string[]> {
  const removed: string[] = [];
  for (const path of await staleTempFiles(dir, options)) {
    try {
      await Deno.remove(path, { recursive: true });
      removed.push(path);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
  return removed;
}
