/** BatchScorer (eval/score_batch.ts): batches in queue order, one in flight per session. */
import assert from "node:assert/strict";
import { BatchScorer } from "../eval/score_batch.ts";
import type { PendingFace } from "../eval/prepare_video.ts";
import type { ScoreRow } from "../store/schema.ts";

/** A face whose one-value "tensor" is its score. */
function face(score: number): PendingFace {
  const row = { video_id: "v", frame_index: 0, face_index: 0, status: "pending" } as ScoreRow;
  return { row, tensor: Float32Array.of(score) };
}

/** A detector stand-in with `parallel` sessions: echoes each item, after `ms`. */
function echo(parallel: number, ms: number, fail?: number) {
  const state = { inFlight: 0, peak: 0, batches: [] as number[][] };
  return {
    state,
    parts: {
      parallel,
      async score(items: Float32Array[]): Promise<number[]> {
        state.inFlight++;
        state.peak = Math.max(state.peak, state.inFlight);
        const values = items.map((item) => item[0]);
        state.batches.push(values);
        await new Promise((resolve) => setTimeout(resolve, ms));
        state.inFlight--;
        if (values.includes(fail!)) throw new Error(`batch with ${fail} failed`);
        return values;
      },
    },
  };
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
      assert.deepEqual(faces.map((f) => f.row.score), faces.map((f) => f.tensor[0]));
      assert.deepEqual(state.batches.map((b) => b.length), [3, 3, 3, 2]);
      assert.equal(state.peak, Math.min(parallel, 4));
    });
  }
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
    "settle() waits for the batches in flight and keeps a failure to itself",
    async () => {
      const { parts } = echo(2, 5, 0);
      const scorer = new BatchScorer(parts, 1);
      await scorer.add([face(0.5), face(0)]);
      assert.equal(await scorer.settle(), 1);
    },
  );
});
