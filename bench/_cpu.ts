/**
 * CPU time of this process and of its finished children, from Linux /proc/<pid>/stat. Deno
 * refuses to read /proc/self (or /proc/<own pid>) without --allow-all, so `cat` reads it for us.
 * @module
 */

/** Linux USER_HZ: the unit of the times in /proc/<pid>/stat. */
const CLOCK_TICKS = 100;

/** CPU seconds (user + system) so far: this process, and its waited-for children. */
export interface CpuSeconds {
  self: number;
  children: number;
}

/** Reads this process's CPU times; NaN where /proc or `cat` is not available. */
export function cpuSeconds(): CpuSeconds {
  try {
    const output = new Deno.Command("cat", { args: [`/proc/${Deno.pid}/stat`] }).outputSync();
    const stat = new TextDecoder().decode(output.stdout);
    // Fields after the ")" that ends the command name: utime, stime, cutime, cstime are 14-17.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ").map(Number);
    return {
      self: (fields[11] + fields[12]) / CLOCK_TICKS,
      children: (fields[13] + fields[14]) / CLOCK_TICKS,
    };
  } catch {
    return { self: NaN, children: NaN };
  }
}
