/**
 * Who owns a lock or a temporary file, and whether that owner still runs. An owner is a process
 * named by host, pid and start time (the start time tells a reused pid from the process that
 * wrote the file). On the same host liveness is exact: `/proc/<pid>/stat` must exist, name a
 * process that is not a zombie (PID 1 in containers often does not reap, so a dead process can
 * linger as `Z`), and have the recorded start time. An owner on another host cannot be asked: it
 * counts as gone when the file it keeps fresh (a lock's heartbeat, a temporary file being
 * written) has not changed for {@link STALE_AFTER_MS}. See docs/architecture.md, "Ownership".
 * @module
 */

/** A process that owns a lock or a temporary file. */
export interface Owner {
  /** Host name, reduced to letters, digits and `-` (as it appears in temporary file names). */
  host: string;
  /** Process id on that host. */
  pid: number;
  /**
   * Start time of the process in clock ticks since boot (field 22 of `/proc/<pid>/stat`); 0 where
   * `/proc` is absent (then a reused pid cannot be told apart).
   */
  start: number;
}

/** What is known about an owner: running, gone, or not checkable from here (another host). */
export type Liveness = "alive" | "dead" | "unknown";

/**
 * How long a file of an owner on another host (or without `/proc`) may stay unchanged before the
 * owner counts as gone: 5 minutes, ten heartbeats ({@link HEARTBEAT_MS}).
 */
export const STALE_AFTER_MS = 5 * 60_000;

/** How often a lock holder refreshes its lock file's modification time: every 30 s. */
export const HEARTBEAT_MS = 30_000;

let current: Owner | undefined;

/** This process as an owner (computed once). */
export function currentOwner(): Owner {
  current ??= { host: safeHost(hostName()), pid: Deno.pid, start: processStart(Deno.pid) ?? 0 };
  return current;
}

/**
 * The owner as one token for file names: `<host>+<pid>+<start>`, e.g. `node7+4121+60511`.
 * {@link parseOwnerTag} reads it back.
 */
export function ownerTag(owner: Owner): string {
  return `${owner.host}+${owner.pid}+${owner.start}`;
}

const TAG = /^([A-Za-z0-9-]+)\+(\d+)\+(\d+)$/;

/** Reads a token written by {@link ownerTag}; null when `tag` is not one. */
export function parseOwnerTag(tag: string): Owner | null {
  const match = TAG.exec(tag);
  return match ? { host: match[1], pid: Number(match[2]), start: Number(match[3]) } : null;
}

/**
 * Whether `owner` still runs: `alive` or `dead` for a process of this host (checked in `/proc`),
 * `unknown` for another host or where `/proc` is absent. Never throws.
 */
export async function ownerLiveness(owner: Owner): Promise<Liveness> {
  const self = currentOwner();
  if (owner.host !== self.host) return "unknown";
  if (owner.pid === self.pid && owner.start === self.start) return "alive";
  let stat: string;
  try {
    stat = await Deno.readTextFile(`/proc/${owner.pid}/stat`);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      // No such process, or no /proc at all (not Linux): only the former is an answer.
      return await procMounted() ? "dead" : "unknown";
    }
    return "unknown";
  }
  const fields = statFields(stat);
  if (!fields) return "unknown";
  // Z: zombie (exited, not reaped); X: dead.
  if (fields.state === "Z" || fields.state === "X") return "dead";
  if (owner.start !== 0 && fields.start !== owner.start) return "dead";
  return "alive";
}

/**
 * True when the owner of a file last changed at `modifiedMs` (epoch ms) is gone: dead on this
 * host, or on another host with the file unchanged for longer than {@link STALE_AFTER_MS}.
 */
export async function ownerGone(
  owner: Owner,
  modifiedMs: number,
  now: number = Date.now(),
): Promise<boolean> {
  const liveness = await ownerLiveness(owner);
  if (liveness !== "unknown") return liveness === "dead";
  return now - modifiedMs > STALE_AFTER_MS;
}

/** A short description for messages: `pid 4121 on node7`. */
export function describeOwner(owner: Owner): string {
  return `pid ${owner.pid} on ${owner.host}`;
}

function hostName(): string {
  // Asking without permission would prompt on a terminal: fall back to a fixed name instead
  // (then runs on different hosts sharing a folder cannot be told apart: grant --allow-sys).
  try {
    if (Deno.permissions.querySync({ name: "sys", kind: "hostname" }).state !== "granted") {
      return "localhost";
    }
    return Deno.hostname();
  } catch {
    return "localhost";
  }
}

function safeHost(host: string): string {
  return host.replace(/[^A-Za-z0-9-]+/g, "-").slice(0, 63) || "host";
}

function processStart(pid: number): number | null {
  try {
    return statFields(Deno.readTextFileSync(`/proc/${pid}/stat`))?.start ?? null;
  } catch {
    return null;
  }
}

// Fields after the command name, which is in parentheses and may itself hold spaces or ")".
function statFields(stat: string): { state: string; start: number } | null {
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // rest[0] is field 3 (state); field 22 (starttime) is rest[19].
  const start = Number(rest[19]);
  return rest[0] && Number.isFinite(start) ? { state: rest[0], start } : null;
}

let procChecked: Promise<boolean> | undefined;

function procMounted(): Promise<boolean> {
  procChecked ??= Deno.stat("/proc/self/stat").then(() => true, () => false);
  return procChecked;
}
