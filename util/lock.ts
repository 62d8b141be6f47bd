/**
 * Locks that name their owner. A lock is one file (`<something>.lock`) holding JSON
 * `{schema, host, pid, start, acquiredAt, purpose, nonce}`; it appears atomically (written to an
 * owner-tagged temporary file, then hard-linked into place, which fails when a lock is already
 * there) and its holder refreshes its modification time every 30 s (the heartbeat). A lock whose
 * owner is gone (util/owner.ts: dead on this host, or no heartbeat for 5 minutes from another
 * host) is taken over: inside a short-lived `<lock>.takeover` folder (mkdir is atomic, so one
 * taker at a time) the taker checks that the lock still holds the same stale owner, then replaces
 * it. Locks guard work that two runs must not do at once (one distorted copy, one store unit);
 * they never guard reads. See docs/architecture.md, "Ownership".
 * @module
 */
import { dirname } from "node:path";
import {
  currentOwner,
  describeOwner,
  HEARTBEAT_MS,
  type Owner,
  ownerGone,
  parseOwnerTag,
} from "./owner.ts";
import { tempPathFor } from "./atomic.ts";
import { sleep } from "./sleep.ts";

/** The schema tag of lock files. */
export const LOCK_SCHEMA = "dfrobust.lock/1";

/** Who holds a lock, as its file says. */
export interface LockHolder extends Owner {
  /** ISO time the lock was taken. */
  acquiredAt: string;
  /** What the holder is doing, for messages (`distort hflip/0123456789abcdef`). */
  purpose: string;
  /** Unique per acquisition: tells this holding apart from a later one by the same process. */
  nonce: string;
}

/** A held lock. Release it (or let `await using` do it); releasing twice is harmless. */
export interface Lock extends AsyncDisposable {
  /** The lock file. */
  readonly path: string;
  /** The stale holder this lock was taken over from; null when the lock was free. */
  readonly tookOverFrom: LockHolder | null;
  /** Removes the lock file if it is still this holding's; stops the heartbeat. */
  release(): Promise<void>;
}

/** Options of {@link tryLock} and {@link acquireLock}. */
export interface LockOptions {
  /** What the holder does, written into the lock for other runs' messages. */
  purpose?: string;
}

/** The state of a lock file. */
export type LockState =
  | { kind: "free" }
  | { kind: "held"; holder: LockHolder }
  | { kind: "stale"; holder: LockHolder | null };

/** The result of {@link tryLock}: the lock, or who holds it. */
export type TryLockResult = { lock: Lock } | { busy: LockHolder };

/** Seconds a `.takeover` folder may exist before it counts as left by a dead taker. */
const TAKEOVER_STALE_MS = 30_000;

/**
 * Takes the lock at `path` if it is free or its holder is gone, else says who holds it. Creates
 * the parent folder. Never waits longer than a takeover in progress (milliseconds).
 */
export async function tryLock(path: string, options: LockOptions = {}): Promise<TryLockResult> {
  await Deno.mkdir(dirname(path), { recursive: true });
  const owner = currentOwner();
  const holder: LockHolder = {
    ...owner,
    acquiredAt: new Date().toISOString(),
    purpose: options.purpose ?? "",
    nonce: crypto.randomUUID(),
  };
  const text = JSON.stringify({ schema: LOCK_SCHEMA, ...holder }) + "\n";
  const tmp = tempPathFor(path);
  await Deno.writeTextFile(tmp, text);
  try {
    for (let attempt = 0; attempt < 200; attempt++) {
      try {
        await Deno.link(tmp, path);
        return { lock: heldLock(path, holder, null) };
      } catch (error) {
        if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
      }
      const state = await readLockFile(path);
      if (state.kind === "free") continue;
      if (state.kind === "held") return { busy: state.holder };
      const took = await takeOver(path, state.raw, tmp);
      if (took === "taken") return { lock: heldLock(path, holder, state.holder) };
      if (took === "wait") await sleep(20);
    }
    throw new Error(`Cannot take lock "${path}": it keeps changing hands`);
  } finally {
    await Deno.remove(tmp).catch(() => {});
  }
}

/** Options of {@link acquireLock}. */
export interface AcquireLockOptions extends LockOptions {
  /** Stops waiting (rejects with the signal's reason). */
  signal?: AbortSignal;
  /** Milliseconds between tries while the lock is held. Default 1000. */
  pollMs?: number;
  /** Called once when the lock is found held, before waiting (e.g. to log who holds it). */
  onWait?: (holder: LockHolder) => void;
}

/** Takes the lock at `path`, waiting while a live holder has it. */
export async function acquireLock(path: string, options: AcquireLockOptions = {}): Promise<Lock> {
  let told = false;
  while (true) {
    options.signal?.throwIfAborted();
    const result = await tryLock(path, options);
    if ("lock" in result) return result.lock;
    if (!told) options.onWait?.(result.busy);
    told = true;
    await sleep(options.pollMs ?? 1000, options.signal);
  }
}

/** Reads the lock at `path`: free (no file), held by a live owner, or stale. Never throws. */
export async function lockState(path: string): Promise<LockState> {
  const state = await readLockFile(path);
  return state.kind === "stale" ? { kind: "stale", holder: state.holder } : state;
}

/**
 * Removes the lock at `path` when it is stale (under the takeover folder, so a concurrent taker
 * is not disturbed). Returns true when a lock file was removed.
 */
export async function removeStaleLock(path: string): Promise<boolean> {
  const state = await readLockFile(path);
  if (state.kind !== "stale") return false;
  return await takeOver(path, state.raw, null) === "taken";
}

/** A message part naming a holder: `pid 4121 on node7 (distort hflip/..., since <time>)`. */
export function describeHolder(holder: LockHolder): string {
  const what = holder.purpose ? `${holder.purpose}, ` : "";
  return `${describeOwner(holder)} (${what}since ${holder.acquiredAt})`;
}

type FileState =
  | { kind: "free" }
  | { kind: "held"; holder: LockHolder }
  | { kind: "stale"; holder: LockHolder | null; raw: string };

async function readLockFile(path: string): Promise<FileState> {
  let raw: string;
  let modified: number;
  try {
    raw = await Deno.readTextFile(path);
    modified = (await Deno.stat(path)).mtime?.getTime() ?? 0;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { kind: "free" };
    throw error;
  }
  const holder = parseHolder(raw);
  // A lock file appears complete (hard link of a written file): unreadable content is foreign.
  if (!holder) return { kind: "stale", holder: null, raw };
  return ownerGone(holder, modified) ? { kind: "stale", holder, raw } : { kind: "held", holder };
}

function parseHolder(raw: string): LockHolder | null {
  try {
    const doc = JSON.parse(raw);
    if (doc?.schema !== LOCK_SCHEMA) return null;
    const owner = parseOwnerTag(`${doc.host}+${doc.pid}+${doc.start}`);
    if (!owner) return null;
    return {
      ...owner,
      acquiredAt: String(doc.acquiredAt ?? ""),
      purpose: String(doc.purpose ?? ""),
      nonce: String(doc.nonce ?? ""),
    };
  } catch {
    return null;
  }
}

/**
 * Replaces (with `replacement`, a written lock file) or removes (null) the lock at `path` if it
 * still holds `staleRaw`, one taker at a time. `wait`: another taker is at it.
 */
async function takeOver(
  path: string,
  staleRaw: string,
  replacement: string | null,
): Promise<"taken" | "changed" | "wait"> {
  const mutex = `${path}.takeover`;
  try {
    await Deno.mkdir(mutex);
  } catch (error) {
    if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    const since = await Deno.stat(mutex).then((s) => s.mtime?.getTime() ?? 0, () => null);
    if (since !== null && Date.now() - since > TAKEOVER_STALE_MS) {
      await Deno.remove(mutex, { recursive: true }).catch(() => {});
    }
    return "wait";
  }
  try {
    const now = await Deno.readTextFile(path).catch(() => null);
    if (now !== staleRaw) return "changed";
    if (replacement === null) await Deno.remove(path);
    else await Deno.rename(replacement, path);
    return "taken";
  } finally {
    await Deno.remove(mutex).catch(() => {});
  }
}

function heldLock(path: string, holder: LockHolder, tookOverFrom: LockHolder | null): Lock {
  const timer = setInterval(() => {
    const now = new Date();
    Deno.utime(path, now, now).catch(() => {});
  }, HEARTBEAT_MS);
  Deno.unrefTimer(timer);
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    clearInterval(timer);
    // Remove only our own holding: a lock taken over from us (we looked dead) is the taker's.
    const state = await readLockFile(path).catch(() => null);
    const mine = state && state.kind !== "free" && state.holder?.nonce === holder.nonce;
    if (mine) await Deno.remove(path).catch(() => {});
  };
  return { path, tookOverFrom, release, [Symbol.asyncDispose]: release };
}
