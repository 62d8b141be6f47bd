/**
 * The few libc functions dfrobust calls through Deno's FFI (Linux, glibc), loaded once for the
 * life of the process: `open`/`read`/`close` to read `/proc/<pid>/stat` (util/proc.ts: Deno 2.9
 * refuses `/proc` paths without `--allow-all`), `clock_gettime` and `getrusage` for the stage
 * timers' thread and children clocks (util/cpu_clock.ts: Deno has neither). Every task holds
 * `--allow-ffi` anyway (Polars and onnxruntime need it). Off Linux, without FFI permission or
 * where libc cannot be loaded, {@link libc} returns null and callers fall back; never throws.
 * @module
 */

/** The libc functions, as Deno's FFI calls them. */
export interface Libc {
  open(path: Uint8Array, flags: number): number;
  read(fd: number, buffer: Uint8Array, count: bigint): number | bigint;
  close(fd: number): number;
  clock_gettime(clock: number, timespec: Uint8Array): number;
  getrusage(who: number, usage: Uint8Array): number;
}

let loaded: Libc | null | undefined;

/** libc's functions, or null where they cannot be had (see the module doc). */
export function libc(): Libc | null {
  if (loaded !== undefined) return loaded;
  loaded = null;
  try {
    if (Deno.build.os !== "linux") return loaded;
    if (Deno.permissions.querySync({ name: "ffi" }).state !== "granted") return loaded;
    // Deno's own Linux builds link glibc, whose soname this is.
    loaded = Deno.dlopen("libc.so.6", {
      open: { parameters: ["buffer", "i32"], result: "i32" },
      read: { parameters: ["i32", "buffer", "usize"], result: "isize" },
      close: { parameters: ["i32"], result: "i32" },
      clock_gettime: { parameters: ["i32", "buffer"], result: "i32" },
      getrusage: { parameters: ["i32", "buffer"], result: "i32" },
    }).symbols as unknown as Libc;
  } catch {
    loaded = null;
  }
  return loaded;
}

/** A file's identity to the nanosecond, from Linux `statx` (Deno's stat gives ctime in whole seconds). */
export interface FileStamp {
  dev: bigint;
  ino: bigint;
  size: bigint;
  /** Modification and status-change times, in nanoseconds since the epoch. */
  mtimeNs: bigint;
  ctimeNs: bigint;
}

let statxCall: ((path: Uint8Array, buffer: Uint8Array) => number) | null | undefined;

/**
 * `statx(2)` of `path` (links followed): device, inode, size, mtime and ctime to the nanosecond;
 * null where it cannot be had (off Linux, no FFI permission, a glibc without `statx`, or the call
 * failed). Loaded apart from {@link libc}, so a missing symbol costs only this function.
 */
export function fileStamp(path: string): FileStamp | null {
  if (statxCall === undefined) {
    statxCall = null;
    try {
      if (
        Deno.build.os === "linux" &&
        Deno.permissions.querySync({ name: "ffi" }).state === "granted"
      ) {
        const { statx } = Deno.dlopen("libc.so.6", {
          statx: { parameters: ["i32", "buffer", "i32", "u32", "buffer"], result: "i32" },
        }).symbols;
        // AT_FDCWD, AT_STATX_SYNC_AS_STAT (0), STATX_BASIC_STATS (0x7ff).
        statxCall = (p, buffer) => statx(-100, p, 0, 0x7ff, buffer) as number;
      }
    } catch {
      statxCall = null;
    }
  }
  if (statxCall === null) return null;
  // struct statx (linux/stat.h): 256 bytes; offsets of the fields read below.
  const buffer = new Uint8Array(256);
  if (statxCall(new TextEncoder().encode(`${path}\0`), buffer) !== 0) return null;
  const view = new DataView(buffer.buffer);
  const time = (at: number) =>
    view.getBigInt64(at, true) * 1_000_000_000n + BigInt(view.getUint32(at + 8, true));
  // st_dev as stat(2) gives it: glibc's makedev() of statx's major and minor.
  const major = BigInt(view.getUint32(136, true));
  const minor = BigInt(view.getUint32(140, true));
  const dev = ((major & 0xfffff000n) << 32n) | ((major & 0xfffn) << 8n) |
    ((minor & 0xffffff00n) << 12n) | (minor & 0xffn);
  return {
    dev,
    ino: view.getBigUint64(32, true),
    size: view.getBigUint64(40, true),
    ctimeNs: time(96),
    mtimeNs: time(112),
  };
}
