/**
 * Reading a process's `/proc/<pid>/stat` (Linux): its state and start time. Deno 2.9 refuses
 * every `/proc` path to a process without `--allow-all` (`NotCapable: Requires all access to
 * "/proc/<pid>/stat"`, for `Deno.readTextFile` and `node:fs` alike), and dfrobust's tasks never
 * run with `-A`. They all hold `--allow-ffi` (Polars and onnxruntime need it), so the file is read
 * through libc's `open`/`read`/`close`. Without FFI permission, or off Linux, the answer is
 * "cannot tell" and callers fall back to heartbeats (util/owner.ts).
 * @module
 */
import { libc } from "./libc.ts";

/** What `/proc/<pid>/stat` says about a process. */
export interface ProcStat {
  /** Field 3: `R`, `S`, `D`, ... `Z` (zombie: exited, not reaped), `X` (dead). */
  state: string;
  /** Field 22: start time in clock ticks since boot. */
  start: number;
}

/**
 * The state and start time of process `pid`; null when there is no such process; undefined when
 * this cannot be told here (not Linux, no FFI permission, no `/proc`). Never throws.
 */
export function readProcStat(pid: number): ProcStat | null | undefined {
  const own = readStat("self");
  if (own === undefined || own === null) return undefined;
  return readStat(String(pid));
}

function readStat(pid: string): ProcStat | null | undefined {
  const text = readProcFile(`/proc/${pid}/stat`);
  if (text === undefined || text === null) return text;
  // The command name (field 2) is in parentheses and may itself hold spaces or ")".
  const rest = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const start = Number(rest[19]);
  return rest[0] && Number.isFinite(start) ? { state: rest[0], start } : undefined;
}

function readProcFile(path: string): string | null | undefined {
  const c = libc();
  if (!c) return undefined;
  const fd = c.open(new TextEncoder().encode(path + "\0"), 0);
  if (fd < 0) return null;
  const buffer = new Uint8Array(4096);
  let length = 0;
  try {
    while (length < buffer.length) {
      const n = Number(c.read(fd, buffer.subarray(length), BigInt(buffer.length - length)));
      if (n <= 0) break;
      length += n;
    }
  } finally {
    c.close(fd);
  }
  return new TextDecoder().decode(buffer.subarray(0, length));
}
