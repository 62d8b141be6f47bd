/** mapLimit(), prefetchMap() and resourcePool(): bounded concurrency in input order (util/concurrency.ts). */
import assert from "node:assert/strict";
import { mapLimit, prefetchMap, resourcePool } from "../util/concurrency.ts";

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

Deno.test("mapLimit() keeps input order with at most limit calls in flight", async () => {
  let alive = 0;
  let peak = 0;
  const out = await mapLimit([30, 5, 20, 1, 10, 2], 2, async (ms) => {
    alive++;
    peak = Math.max(peak, alive);
    await sleep(ms);
    alive--;
    return ms * 10;
  });
  assert.deepEqual(out, [300, 50, 200, 10, 100, 20]);
  assert.equal(peak, 2);
});

Deno.test("mapLimit() starts nothing after a failure and waits for the calls in flight", async () => {
  const started: number[] = [];
  const finished: number[] = [];
  await assert.rejects(
    () =>
      mapLimit([1, 2, 3, 4, 5], 2, async (n) => {
        started.push(n);
        if (n === 1) throw new Error("one failed");
        await sleep(20);
        finished.push(n);
        return n;
      }),
    /one failed/,
  );
  // 1 fails at once; 2 was already running and is waited for; 3..5 never start.
  assert.deepEqual(started, [1, 2]);
  assert.deepEqual(finished, [2]);
});

Deno.test("mapLimit() runs one call at a time for a limit below 1, and maps nothing to []", async () => {
  let peak = 0;
  let alive = 0;
  const out = await mapLimit(["a", "b"], 0, async (x) => {
    peak = Math.max(peak, ++alive);
    await sleep(1);
    alive--;
    return x.toUpperCase();
  });
  assert.deepEqual(out, ["A", "B"]);
  assert.equal(peak, 1);
  assert.deepEqual(await mapLimit([], 4, () => Promise.resolve(1)), []);
});

Deno.test("prefetchMap() yields in order with at most depth + 1 preparations alive", async () => {
  let alive = 0;
  let peak = 0;
  const items = [30, 5, 20, 1, 10, 2];
  const out: number[] = [];
  for await (
    const value of prefetchMap(items, async (ms, i) => {
      alive++;
      peak = Math.max(peak, alive);
      await new Promise((r) => setTimeout(r, ms));
      alive--;
      return i;
    }, { depth: 2 })
  ) {
    out.push(value);
  }
  assert.deepEqual(out, [0, 1, 2, 3, 4, 5]);
  assert.equal(peak, 3);
});

Deno.test("prefetchMap() with depth 0 prepares each item only when asked for", async () => {
  const log: string[] = [];
  for await (
    const v of prefetchMap(["a", "b", "c"], (x) => {
      log.push(`prepare ${x}`);
      return Promise.resolve(x);
    }, { depth: 0 })
  ) log.push(`use ${v}`);
  assert.deepEqual(log, ["prepare a", "use a", "prepare b", "use b", "prepare c", "use c"]);
});

Deno.test("prefetchMap() rethrows a failed preparation when its turn comes", async () => {
  const seen: number[] = [];
  await assert.rejects(async () => {
    for await (
      const v of prefetchMap(
        [1, 2, 3],
        (n) => n === 2 ? Promise.reject(new Error("two")) : Promise.resolve(n),
      )
    ) seen.push(v);
  }, /two/);
  assert.deepEqual(seen, [1]);
});

Deno.test("resourcePool() lends each resource to one job at a time, first come first served", async (t) => {
  await t.step("at most one job per resource; waiting jobs start in order", async () => {
    const pool = resourcePool(["a", "b"]);
    const holding = new Set<string>();
    const started: number[] = [];
    let peak = 0;
    const results = await Promise.all([40, 5, 20, 1, 10].map((ms, job) =>
      pool(async (resource) => {
        assert.ok(!holding.has(resource), `${resource} lent twice`);
        holding.add(resource);
        started.push(job);
        peak = Math.max(peak, holding.size);
        await sleep(ms);
        holding.delete(resource);
        return `${job}`;
      })
    ));
    assert.deepEqual(results, ["0", "1", "2", "3", "4"]);
    assert.deepEqual(started, [0, 1, 2, 3, 4]);
    assert.equal(peak, 2);
  });
  await t.step("a failed job passes its error on and gives its resource back", async () => {
    const pool = resourcePool([1]);
    await assert.rejects(pool(() => Promise.reject(new Error("job failed"))), /job failed/);
    assert.equal(await pool((n) => Promise.resolve(n + 1)), 2);
  });
});
