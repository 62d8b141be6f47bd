/**
 * CPU clocks for cheap stage timers (Linux, through libc): this thread's CPU time
 * (`clock_gettime(CLOCK_THREAD_CPUTIME_ID)`, nanosecond resolution, under a microsecond a call),
 * the CPU time of waited-for child processes (`getrusage(RUSAGE_CHILDREN)`: ffmpeg, ffprobe) and
 * of the whole process (`process.cpuUsage()`, every thread: onnxruntime's and Polars' pools
 * too). Deno has no thread or children clock of its own (`process.threadCpuUsage()` counts in
 * 10 ms ticks), and dfrobust's tasks hold `--allow-ffi` anyway (Polars, onnxruntime). Without
 * FFI permission, or off Linux, the thread and children clocks read NaN; never throws.
 * @module
 */
import process from "node:process";
import { libc } from "./libc.ts";

/** `CLOCK_THREAD_CPUTIME_ID` in Linux's <time.h>. */
const CLOCK_THREAD_CPUTIME_ID = 3;
/** `RUSAGE_CHILDREN` in Linux's <sys/resource.h>. */
const RUSAGE_CHILDREN = -1;

// struct timespec { time_t tv_sec; long tv_nsec; } on 64-bit Linux.
const timespec = new BigInt64Array(2);
const timespecBytes = new Uint8Array(timespec.buffer);
// struct rusage starts with ru_utime and ru_stime (struct timeval: seconds, microseconds);
// 14 longs follow. 18 x 8 bytes in all on 64-bit Linux.
const rusage = new BigInt64Array(18);
const rusageBytes = new Uint8Array(rusage.buffer);

/** CPU milliseconds this thread (the JavaScript main thread, when called from it) has used; NaN where unavailable. */
export function threadCpuMs(): number {
  const c = libc();
  if (!c || c.clock_gettime(CLOCK_THREAD_CPUTIME_ID, timespecBytes) !== 0) return NaN;
  return Number(timespec[0]) * 1e3 + Number(timespec[1]) / 1e6;
}

/**
 * CPU milliseconds (user + system) of this process's child processes that have ended and been
 * waited for (their own waited-for children included); NaN where unavailable.
 */
export function childrenCpuMs(): number {
  const c = libc();
  if (!c || c.getrusage(RUSAGE_CHILDREN, rusageBytes) !== 0) return NaN;
  return Number(rusage[0] + rusage[2]) * 1e3 + Number(rusage[1] + rusage[3]) / 1e3;
}

/** CPU milliseconds (user + system) of this process, every thread, since it started. */
export function processCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e3;
}
