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
