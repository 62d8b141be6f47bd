/**
 * The decision view inside `opAucs` on a generated store: one threshold per run chosen on
 * Unaltered and kept for every copy, the Unaltered cell without tests, and the edge cases that
 * leave a run without a threshold (no Unaltered copy, one class in it) or a cell without paired
 * fields (frame level: no decision view at all).
 */
import assert from "node:assert/strict";
import { opAucs } from "../metrics/op_auc.ts";
import { scanStore } from "../store/store.ts";
import { writeFixtureStore } from "./report_fixture.ts";

Deno.test("opAucs() with a threshold rule keeps one Unaltered threshold per run", async (t) => {
  const store = await Deno.makeTempDir();
  await writeFixtureStore(store, { ops: ["unaltered", "noise", "h264_crf40"] });
  const frame = await scanStore(store);
  await t.step("every cell of a run shares its threshold; Unaltered has no test", () => {
    const cells = opAucs(frame, { threshold: { rule: "eer" } });
    const byRun = Map.groupBy(cells, (c) => c.runId);
    assert.ok(byRun.size >= 2);
    for (const run of byRun.values()) {
      const thresholds = new Set(run.map((c) => c.decision?.threshold));
      assert.equal(thresholds.size, 1, "one threshold per run");
      const base = run.find((c) => c.opId === "unaltered")!.decision!;
      assert.equal(base.thresholdRule, "EER point of Unaltered");
      assert.equal(base.deltaTpr, 0);
      assert.equal(base.shiftReal, 0);
      assert.equal(base.pTpr, undefined);
      for (const c of run.filter((c) => c.opId !== "unaltered")) {
        assert.equal(typeof c.decision!.pTprHolm, "number");
        assert.ok(c.decision!.pTprHolm! >= c.decision!.pTpr!);
      }
    }
  });
  await t.step("the given rule uses the number as is; frame level has no decision view", () => {
    const given = opAucs(frame, { threshold: { rule: "given", threshold: 0.5 } });
    assert.ok(given.every((c) => c.decision?.threshold === 0.5));
    const frames = opAucs(frame, { level: "frame", threshold: { rule: "eer" } });
    assert.ok(frames.every((c) => c.decision === undefined));
    assert.ok(opAucs(frame).every((c) => c.decision === undefined), "not asked: none");
  });
});

Deno.test("a run whose Unaltered copy cannot serve the rule gets a note, not an error", async (t) => {
  await t.step("one class in Unaltered: EER and FPR rules choose nothing", async () => {
    const store = await Deno.makeTempDir();
    await writeFixtureStore(store, { ops: ["unaltered", "noise"], oneClassOp: "unaltered" });
    const cells = opAucs(await scanStore(store), { threshold: { rule: "eer" } });
    assert.ok(cells.every((c) => c.decision === undefined));
    const base = cells.filter((c) => c.opId === "unaltered");
    assert.ok(
      base.every((c) =>
        /no operating threshold: EER threshold: Unaltered has no real/.test(c.note ?? "")
      ),
    );
    // A given threshold needs no Unaltered class: the rates are there, one-class nulls included.
    const given = opAucs(await scanStore(store), { threshold: { rule: "given", threshold: 0.5 } });
    const unaltered = given.find((c) => c.opId === "unaltered")!.decision!;
    assert.equal(unaltered.fpr, null);
    assert.equal(unaltered.balancedAccuracy, null);
    assert.equal(typeof unaltered.tpr, "number");
  });
  await t.step("no Unaltered copy: no threshold but a given one", async () => {
    const store = await Deno.makeTempDir();
    await writeFixtureStore(store, { ops: ["unaltered", "noise"], withoutUnalteredFor: "sbi" });
    const cells = opAucs(await scanStore(store), { threshold: { rule: "eer" } });
    assert.ok(cells.filter((c) => c.detector === "sbi").every((c) => c.decision === undefined));
    assert.ok(cells.filter((c) => c.detector === "xception").every((c) => c.decision));
    const given = opAucs(await scanStore(store), { threshold: { rule: "given", threshold: 0.5 } });
    const noise = given.find((c) => c.detector === "sbi" && c.opId === "noise")!.decision!;
    assert.equal(noise.threshold, 0.5);
    assert.equal(noise.deltaTpr, null, "no Unaltered to compare with");
    assert.equal(noise.aucFakesProcessed, null);
  });
});
