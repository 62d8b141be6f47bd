/**
 * Who owns a lock or a temporary file, and whether that owner still runs. An owner is a process
 * named by host, pid and start time (the start time tells a reused pid from the process that
 * wrote the file). On the same host liveness is exact: `/proc/<pid>/stat` (util/proc.ts) must
 * exist, name a process that is not a zombie (PID 1 in containers often does not reap, so a dead
 * process can linger as `Z`), and have the recorded start time. An owner on another host cannot
 * be asked, nor can any owner where `/proc` cannot be read: it counts as gone when the file it
 * keeps fresh (a lock's heartbeat, a temporary file being written) has not changed for
 * {@link STALE_AFTER_MS}. See docs/architecture.md, "Ownership".
 * @module
 */
import { readProcStat } from "./proc.ts";

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
  current ??= {
    host: safeHost(hostName()),
    pid: Deno.pid,
    start: readProcStat(Deno.pid)?.start ?? 0,
  };
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
 * `unknown` for another host or where `/proc` cannot be read (util/proc.ts). Never throws.
 */
export function ownerLiveness(owner: Owner): Liveness {
  const self = currentOwner();
  if (owner.host !== self.host) return "unknown";
  if (owner.pid === self.pid && owner.start === self.start) return "alive";
  const stat = readProcStat(owner.pid);
  if (stat === undefined) return "unknown";
  if (stat === null) return "dead";
  // Z: zombie (exited, not reaped); X: dead.
  if (stat.state === "Z" || stat.state === "X") return "dead";
  if (owner.start !== 0 && stat.start !== owner.start) return "dead";
  return "alive";
}

/**
 * True when the owner of a file last changed at `modifiedMs` (epoch ms) is gone: dead on this
 * host, or on another host with the file unchanged for longer than {@link STALE_AFTER_MS}.
 */
export function ownerGone(owner: Owner, modifiedMs: number): boolean {
  const liveness = ownerLiveness(owner);
  if (liveness !== "unknown") return liveness === "dead";
  return Date.now() - modifiedMs > STALE_AFTER_MS;
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
