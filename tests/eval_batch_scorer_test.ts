/** BatchScorer (eval/score_batch.ts): faces written into their batch slots, batches in order. */
import assert from "node:assert/strict";
import { type BatchParts, BatchScorer } from "../eval/score_batch.ts";
import type { PendingFace } from "../eval/prepare_video.ts";
import type { ScoreRow } from "../store/schema.ts";

/** A face whose one-float input is `value` (its box's x); a negative x cannot be preprocessed. */
function face(value: number, frameIndex = 0): PendingFace {
  const row = {
    video_id: "v",
    frame_index: frameIndex,
    face_index: 0,
    status: "pending",
  } as ScoreRow;
  const box = { x: value, y: 0, w: 1, h: 1, score: 1 };
  return {
    row,
    path: "videos/v.mp4",
    frame: { data: new Uint8Array(3), width: 1, height: 1 },
    box,
    crop: { x: 0, y: 0, w: 1, h: 1 },
  };
}

/** A detector stand-in with `parallel` sessions: echoes each item's one float, after `ms`. */
function echo(parallel: number, ms: number, fail?: number) {
  const state = {
    inFlight: 0,
    peak: 0,
    batches: [] as number[][],
    lengths: [] as number[],
    arrays: new Set<Float32Array>(),
  };
  const parts: BatchParts = {
    parallel,
    itemLength: 1,
    preprocess(_frame, box, _crop, batch, index) {
      if (box.x < 0) throw new RangeError(`no crop for x ${box.x}`);
      batch[index] = box.x;
    },
    async score(batch, n, returned) {
      state.arrays.add(batch);
      state.inFlight++;
      state.peak = Math.max(state.peak, state.inFlight);
      const values = Array.from(batch.subarray(0, n));
      state.batches.push(values);
      state.lengths.push(batch.length);
      await new Promise((resolve) => setTimeout(resolve, ms));
      state.inFlight--;
      if (values.includes(fail!)) throw new Error(`batch with ${fail} failed`);
      returned?.(batch);
      return values;
    },
  };
  return { state, parts };
}

Deno.test("BatchScorer scores whole batches as faces come and the rest at the end", async (t) => {
  for (const parallel of [1, 2, 3]) {
    await t.step(`${parallel} session(s): every score lands on its own row`, async () => {
      const { state, parts } = echo(parallel, 5);
      const scorer = new BatchScorer(parts, 3);
      const faces = Array.from({ length: 11 }, (_, i) => face(i / 10));
      // Videos of 4, 0, 5 and 2 faces: batches span videos.
      for (const [from, to] of [[0, 4], [4, 4], [4, 9], [9, 11]]) {
        await scorer.add(faces.slice(from, to));
        assert.ok(state.inFlight <= parallel);
      }
      assert.equal(await scorer.finish(), 11);
      assert.deepEqual(faces.map((f) => f.row.status), Array(11).fill("ok"));
      assert.deepEqual(faces.map((f) => f.row.score), faces.map((f) => Math.fround(f.box.x)));
      assert.deepEqual(state.batches.map((b) => b.length), [3, 3, 3, 2]);
      // Each batch is one array of `batch` items, written in place.
      assert.deepEqual(state.lengths, [3, 3, 3, 3]);
      assert.equal(state.peak, Math.min(parallel, 4));
    });
  }
  await t.step("batch arrays come back and are filled again", async () => {
    const { state, parts } = echo(2, 2);
    const scorer = new BatchScorer(parts, 2);
    const faces = Array.from({ length: 40 }, (_, i) => face(i / 40));
    for (let i = 0; i < faces.length; i += 4) await scorer.add(faces.slice(i, i + 4));
    assert.equal(await scorer.finish(), 40);
    assert.deepEqual(faces.map((f) => f.row.score), faces.map((f) => Math.fround(f.box.x)));
    assert.equal(state.batches.length, 20);
    // In flight (2), one waiting, one filling: never more arrays than that.
    assert.ok(state.arrays.size <= 4, `${state.arrays.size} arrays for 20 batches`);
  });
  await t.step(
    "a face that cannot be preprocessed is a preprocess_error row; its slot goes to the next",
    async () => {
      const { state, parts } = echo(2, 1);
      const scorer = new BatchScorer(parts, 2);
      const faces = [face(0.25), face(-1, 7), face(0.5), face(0.75)];
      await scorer.add(faces);
      assert.equal(await scorer.finish(), 3);
      assert.deepEqual(faces.map((f) => f.row.status), ["ok", "preprocess_error", "ok", "ok"]);
      assert.match(faces[1].row.error!, /"videos\/v\.mp4": no crop for x -1/);
      assert.equal(faces[1].row.score, undefined);
      assert.deepEqual(state.batches, [[0.25, 0.5], [0.75]]);
    },
  );
  await t.step("a failed batch rejects add() or finish(), after the others settle", async () => {
    const { parts } = echo(2, 5, 0.5);
    const scorer = new BatchScorer(parts, 2);
    const faces = Array.from({ length: 6 }, (_, i) => face(i / 8));
    await assert.rejects(async () => {
      await scorer.add(faces);
      await scorer.finish();
    }, /batch with 0.5 failed/);
  });
  await t.step(
    "settle() waits for the batches in flight, starts no other, keeps a failure to itself",
    async () => {
      const { state, parts } = echo(1, 5, 0);
      const scorer = new BatchScorer(parts, 1);
      await scorer.add([face(0.5), face(0), face(0.25)]);
      assert.equal(await scorer.settle(), 1);
      // 0.5 was scored; 0 was in flight when settle() came, 0.25 waiting: never started.
      assert.deepEqual(state.batches, [[0.5], [0]]);
    },
  );
  await t.step("a batch size that is not a positive integer is a RangeError", () => {
    assert.throws(() => new BatchScorer(echo(1, 0).parts, 0), RangeError);
  });
});
