/**
 * The release gate with a decision metric reads the baseline's threshold rule from the Table I
 * JSON (`thresholdRule`, written by `report --format json`): the new run is scored at the same
 * rule without `--threshold-rule`; a flag that disagrees is a usage error naming both; an older
 * baseline without the field is gated at the flag's rule or eer, with a note saying so.
 */
import assert from "node:assert/strict";
import { runDenoTask } from "./_tools.ts";
import { writeFfppStore } from "./ffpp_store_fixture.ts";
import { BaselineError, checkRelease } from "../report/release_check.ts";

Deno.test("deno task compare: a decision-metric baseline carries its threshold rule", async (t) => {
  const dir = await Deno.makeTempDir();
  try {
    const store = `${dir}/store`;
    await writeFfppStore(store, { detectors: ["xception"] });
    const baseline = `${dir}/table.json`;
    const report = await runDenoTask("tasks/report.ts", [
      "--store",
      store,
      "--format",
      "json",
      "--out",
      baseline,
      "--metric",
      "tpr",
      "--threshold-rule",
      "fpr",
      "--fpr",
      "0.1",
      "--resamples",
      "0",
    ]);
    assert.equal(report.code, 0, report.stderr);
    const json = JSON.parse(await Deno.readTextFile(baseline));
    assert.deepEqual(json.thresholdRule, { rule: "fpr", fpr: 0.1 });
    assert.equal(json.metric, "tpr");
    const older = `${dir}/older.json`;
    delete json.thresholdRule;
    await Deno.writeTextFile(older, JSON.stringify(json));

    await t.step("without --threshold-rule the baseline's rule is used: same values", async () => {
      const result = await checkRelease(baseline, store, { bootstrapResamples: 0 });
      assert.ok(result.rows.length > 0);
      for (const row of result.rows) assert.equal(row.value, row.baseline, row.opId);
      assert.equal(result.passed, true);
      assert.ok(!result.notes.some((n) => /assumed/.test(n)), result.notes.join());
      const cli = await runDenoTask("tasks/compare.ts", ["--baseline", baseline, "--store", store]);
      assert.equal(cli.code, 0, cli.stdout + cli.stderr);
      // The same rule given explicitly agrees.
      const same = await checkRelease(baseline, store, { thresholdRule: "fpr0.1" });
      assert.equal(same.passed, true);
    });
    await t.step("a --threshold-rule that disagrees is a usage error naming both", async () => {
      await assert.rejects(
        () => checkRelease(baseline, store, { thresholdRule: "eer" }),
        BaselineError,
      );
      const cli = await runDenoTask("tasks/compare.ts", [
        "--baseline",
        baseline,
        "--store",
        store,
        "--threshold-rule",
        "fpr0.05",
      ]);
      assert.equal(cli.code, 2, cli.stdout + cli.stderr);
      assert.match(cli.stderr, /--threshold-rule fpr0\.05 disagrees with .*used fpr0\.1/);
    });
    await t.step("an older baseline: the flag's rule or eer, and a note says so", async () => {
      const flagged = await checkRelease(older, store, {
        thresholdRule: "fpr0.1",
        bootstrapResamples: 0,
      });
      for (const row of flagged.rows) assert.equal(row.value, row.baseline, row.opId);
      assert.match(
        flagged.notes.join("\n"),
        /does not record its threshold rule.*assumed fpr0\.1 \(--threshold-rule\)/,
      );
      const assumed = await checkRelease(older, store, { bootstrapResamples: 0 });
      assert.match(assumed.notes.join("\n"), /assumed eer, the default/);
      // At eer the TPRs differ from the stored fpr0.1 ones: the rule matters to the gate.
      assert.ok(assumed.rows.some((r) => r.value !== r.baseline));
      const cli = await runDenoTask("tasks/compare.ts", ["--baseline", older, "--store", store]);
      assert.match(cli.stdout, /assumed eer/);
    });
    await t.step("a malformed thresholdRule is a usage error naming the file", async () => {
      const bad = `${dir}/bad.json`;
      await Deno.writeTextFile(bad, JSON.stringify({ ...json, thresholdRule: { rule: "median" } }));
      const cli = await runDenoTask("tasks/compare.ts", ["--baseline", bad, "--store", store]);
      assert.equal(cli.code, 2, cli.stdout + cli.stderr);
      assert.match(cli.stderr, /bad\.json.*not a threshold rule.*"eer" \| "fpr" \| "given"/);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
