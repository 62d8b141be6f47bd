import assert from "node:assert/strict";
import { basename, dirname, join } from "node:path";
import { unitPath } from "../store/store.ts";
import { cleanUnitTemps, unitLockPath } from "../store/unit_lock.ts";
import { collectStoreGarbage } from "../store/gc.ts";
import { claimEach } from "../util/claim.ts";
import { lockState, removeStaleLock, tryLock } from "../util/lock.ts";
import {
  currentOwner,
  type Owner,
  ownerLiveness,
  ownerTag,
  parseOwnerTag,
  STALE_AFTER_MS,
} from "../util/owner.ts";
import { tempPathFor } from "../util/atomic.ts";
import { parseTempName, removeStaleTempFiles, staleTempFiles } from "../util/temp_files.ts";

/** The owner of a process that has exited (spawned and waited for, so it is reaped). */
async function deadOwner(): Promise<Owner> {
  const child = new Deno.Command("true", { stdout: "null", stderr: "null" }).spawn();
  await child.status;
  return { ...currentOwner(), pid: child.pid, start: 1 };
}

/** A lock file as another process would have written it. */
async function writeLock(path: string, owner: Owner, modified?: Date): Promise<void> {
  await Deno.writeTextFile(
    path,
    JSON.stringify({
      schema: "dfrobust.lock/1",
      ...owner,
      acquiredAt: "2026-01-01T00:00:00.000Z",
      purpose: "test",
      nonce: "n",
    }),
  );
  if (modified) await Deno.utime(path, modified, modified);
}

const longAgo = () => new Date(Date.now() - STALE_AFTER_MS - 60_000);

Deno.test("an owner is alive only while its process runs, with the start time it had", async (t) => {
  await t.step("this process is alive and its tag reads back", () => {
    const me = currentOwner();
    assert.equal(me.pid, Deno.pid);
    assert.ok(me.start > 0, "start time from /proc/self/stat");
    assert.deepEqual(parseOwnerTag(ownerTag(me)), me);
    assert.equal(ownerLiveness(me), "alive");
  });
  await t.step("an exited process is dead", async () => {
    assert.equal(ownerLiveness(await deadOwner()), "dead");
  });
  await t.step("a reused pid (another start time) is dead", () => {
    assert.equal(
      ownerLiveness({ ...currentOwner(), start: currentOwner().start + 1 }),
      "dead",
    );
  });
  await t.step("an owner on another host cannot be checked from here", () => {
    assert.equal(ownerLiveness({ host: "elsewhere", pid: 1, start: 5 }), "unknown");
  });
});

Deno.test("temporary file names carry their owner, and only gone owners' files are stale", async () => {
  const dir = await Deno.makeTempDir({ prefix: "dfrobust_temps_" });
  try {
    const live = tempPathFor(join(dir, "manifest.json"));
    const parsed = parseTempName(live.slice(dir.length + 1))!;
    assert.equal(parsed.target, "manifest.json");
    assert.deepEqual(parsed.owner, currentOwner());
    const dead = join(dir, `.part-x.parquet.${ownerTag(await deadOwner())}.0badf00d.tmp`);
    const legacy = join(dir, ".a.mp4.12345678.tmp");
    const remoteOld = join(
      dir,
      `.b.mp4.${ownerTag({ host: "far", pid: 7, start: 9 })}.00000001.tmp`,
    );
    const remoteFresh = join(
      dir,
      `.c.mp4.${ownerTag({ host: "far", pid: 7, start: 9 })}.00000002.tmp`,
    );
    for (const path of [live, dead, legacy, remoteOld, remoteFresh]) {
      await Deno.writeTextFile(path, "x");
    }
    await Deno.utime(remoteOld, longAgo(), longAgo());
    await Deno.writeTextFile(join(dir, "a.mp4"), "not a temp file");
    assert.deepEqual(await staleTempFiles(dir), [legacy, dead, remoteOld].sort());
    assert.deepEqual(await staleTempFiles(dir, { target: "a.mp4" }), [legacy]);
    assert.deepEqual((await removeStaleTempFiles(dir)).sort(), [legacy, dead, remoteOld].sort());
    const left = (await Array.fromAsync(Deno.readDir(dir))).map((e) => join(dir, e.name)).sort();
    assert.deepEqual(left, [join(dir, "a.mp4"), live, remoteFresh].sort());
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a lock names its holder, refuses a second taker, and is taken over from a gone one", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "dfrobust_lock_" });
  const path = join(dir, "sub", ".copy.lock");
  try {
    await t.step("the first taker gets it, the second learns who holds it", async () => {
      const first = await tryLock(path, { purpose: "distort hflip" });
      assert.ok("lock" in first);
      const second = await tryLock(path);
      assert.ok("busy" in second);
      assert.equal(second.busy.pid, Deno.pid);
      assert.equal(second.busy.purpose, "distort hflip");
      assert.equal((await lockState(path)).kind, "held");
      await first.lock.release();
      await first.lock.release();
      assert.equal((await lockState(path)).kind, "free");
    });
    await t.step("a dead holder's lock is taken over, naming the holder", async () => {
      const dead = await deadOwner();
      await writeLock(path, dead);
      assert.equal((await lockState(path)).kind, "stale");
      const result = await tryLock(path);
      assert.ok("lock" in result);
      assert.equal(result.lock.tookOverFrom?.pid, dead.pid);
      await result.lock.release();
    });
    await t.step("another host's lock is held while its heartbeat is fresh", async () => {
      const remote = { host: "elsewhere", pid: 1, start: 5 };
      await writeLock(path, remote);
      assert.ok("busy" in await tryLock(path));
      await writeLock(path, remote, longAgo());
      const result = await tryLock(path);
      assert.ok("lock" in result);
      await result.lock.release();
    });
    await t.step(
      "removeStaleLock() removes a gone holder's lock and keeps a live one",
      async () => {
        await writeLock(path, await deadOwner());
        assert.equal(await removeStaleLock(path), true);
        assert.equal((await lockState(path)).kind, "free");
        const held = await tryLock(path);
        assert.ok("lock" in held);
        assert.equal(await removeStaleLock(path), false);
        await held.lock.release();
      },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("claimEach() does free items first and waits for held ones at the end", async () => {
  const dir = await Deno.makeTempDir({ prefix: "dfrobust_claim_" });
  try {
    const lockPath = (item: string) => join(dir, `.${item}.lock`);
    const other = await tryLock(lockPath("b"));
    assert.ok("lock" in other);
    const busy: string[] = [];
    const order: string[] = [];
    // The other holder finishes 300 ms later.
    const timer = setTimeout(() => other.lock.release(), 300);
    for await (
      const { item, lock } of claimEach(["a", "b", "c"], {
        lockPath,
        pollMs: 50,
        onBusy: (item) => busy.push(item),
      })
    ) {
      order.push(item);
      await lock.release();
    }
    clearTimeout(timer);
    assert.deepEqual(order, ["a", "c", "b"]);
    assert.deepEqual(busy, ["b"]);
    assert.deepEqual(await Array.fromAsync(Deno.readDir(dir)), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a unit's cleaning removes a dead run's temporary files of its part and of its lock", async () => {
  const store = await Deno.makeTempDir({ prefix: "dfrobust_unit_temps_" });
  try {
    const unit = { detector: "demo", opId: "h264_crf40", unitId: "abc.shard-1of3" };
    const part = unitPath(store, unit);
    const lock = unitLockPath(store, unit);
    const dir = dirname(part);
    await Deno.mkdir(dir, { recursive: true });
    const dead = ownerTag(await deadOwner());
    // A run killed while it wrote the part, or while it took the lock (what tempPathFor names).
    const partTemp = join(dir, `.${basename(part)}.${dead}.0badf00d.tmp`);
    const lockTemp = join(dir, `.${basename(lock)}.${dead}.0badf00e.tmp`);
    const liveLockTemp = tempPathFor(lock);
    const otherUnit = join(dir, `.part-other.parquet.${dead}.0badf00f.tmp`);
    for (const path of [partTemp, lockTemp, liveLockTemp, otherUnit]) {
      await Deno.writeTextFile(path, "x");
    }
    assert.deepEqual((await cleanUnitTemps(store, unit)).sort(), [lockTemp, partTemp].sort());
    const left = (await Array.fromAsync(Deno.readDir(dir))).map((e) => join(dir, e.name)).sort();
    assert.deepEqual(left, [liveLockTemp, otherUnit].sort());
    // The store's gc finds the other unit's dead temporary file too, and leaves the live one.
    const report = await collectStoreGarbage(store);
    assert.deepEqual(report.removed, [otherUnit]);
  } finally {
    await Deno.remove(store, { recursive: true });
  }
});
