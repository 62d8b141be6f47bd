/**
 * The release gate (`deno task compare`) on generated FF++-named stores: a Table I JSON written
 * by `report --format json` as the baseline; the same run passes (exit 0); a run whose model was
 * made less robust on one copy (its scores there blended toward 0.5 with noise) fails (exit 1)
 * naming that operation and only it; `--json`, `--tolerance`, `--help` and usage errors (exit 2).
 */
import assert from "node:assert/strict";
import { runDenoTask } from "./_tools.ts";
import { writeFfppStore } from "./ffpp_store_fixture.ts";
import { releaseGate, storedTable } from "../metrics/release_gate.ts";
import type { TableOne } from "../metrics/table.ts";

Deno.test("deno task compare: exit 0 on an unchanged run, 1 naming the operation a less robust run regressed on", async (t) => {
  const dir = await Deno.makeTempDir();
  try {
    const old = `${dir}/old`;
    const worse = `${dir}/worse`;
    await writeFfppStore(old, { detectors: ["xception"] });
    await writeFfppStore(worse, {
      detectors: ["xception"],
      blend: { detector: "xception", opId: "h264_crf40", weight: 0.9 },
    });
    const report = await runDenoTask("tasks/report.ts", [
      "--store",
      old,
      "--format",
      "json",
      "--out",
      `${dir}/table.json`,
      "--resamples",
      "200",
    ]);
    assert.equal(report.code, 0, report.stderr);
    const baseline = `${dir}/table.json`;

    await t.step("the unchanged run passes", async () => {
      const same = await runDenoTask("tasks/compare.ts", ["--baseline", baseline, "--store", old]);
      assert.equal(same.code, 0, same.stdout + same.stderr);
      assert.match(same.stdout, /^PASS/);
    });
    await t.step("the blended copy fails the gate, named with its drop", async () => {
      const out = await runDenoTask("tasks/compare.ts", [
        "--baseline",
        baseline,
        "--store",
        worse,
        "--tolerance",
        "0.01",
      ]);
      assert.equal(out.code, 1, out.stdout + out.stderr);
      assert.match(out.stdout, /^FAIL: 1 operation regressed: h264_crf40 \(drop 0\.\d{3}\)/);
      assert.match(out.stdout, /h264_crf40 .* REGRESSED/);
      assert.doesNotMatch(out.stdout, /noise .* REGRESSED/);
      assert.match(out.stdout, /no paired DeLong test/);
      const json = await runDenoTask("tasks/compare.ts", [
        "--baseline",
        baseline,
        "--store",
        worse,
        "--json",
      ]);
      assert.equal(json.code, 1);
      const result = JSON.parse(json.stdout);
      assert.equal(result.passed, false);
      const regressed = result.rows.filter((r: { status: string }) => r.status === "regressed");
      assert.deepEqual(regressed.map((r: { opId: string }) => r.opId), ["h264_crf40"]);
      assert.ok(regressed[0].drop > 0.1, `drop ${regressed[0].drop}`);
      assert.equal(typeof regressed[0].p, "number");
      assert.equal(regressed[0].significant, regressed[0].p <= 0.05);
    });
    await t.step("a tolerance above the drop passes", async () => {
      const out = await runDenoTask("tasks/compare.ts", [
        "--baseline",
        baseline,
        "--store",
        worse,
        "--tolerance",
        "0.9",
      ]);
      assert.equal(out.code, 0, out.stdout);
    });
    await t.step(
      "usage errors exit 2: no baseline flag, unreadable or foreign baseline",
      async () => {
        const none = await runDenoTask("tasks/compare.ts", ["--store", old]);
        assert.equal(none.code, 2);
        const missing = await runDenoTask("tasks/compare.ts", [
          "--baseline",
          `${dir}/nope.json`,
          "--store",
          old,
        ]);
        assert.equal(missing.code, 2);
        assert.match(missing.stderr, /Cannot read the baseline ".*nope\.json"/);
        await Deno.writeTextFile(`${dir}/other.json`, '{"hello": 1}');
        const foreign = await runDenoTask("tasks/compare.ts", [
          "--baseline",
          `${dir}/other.json`,
          "--store",
          old,
        ]);
        assert.equal(foreign.code, 2);
        assert.match(foreign.stderr, /other\.json.*not a Table I JSON/);
        const badTolerance = await runDenoTask("tasks/compare.ts", [
          "--baseline",
          baseline,
          "--store",
          old,
          "--tolerance",
          "-1",
        ]);
        assert.equal(badTolerance.code, 2);
        const help = await runDenoTask("tasks/compare.ts", ["--help"]);
        assert.equal(help.code, 0);
        assert.match(help.stdout, /--baseline/);
      },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("releaseGate() matches rows by run, fails on a missing operation and respects error rates", () => {
  const table = (values: Record<string, number | null>, metric?: string): TableOne => ({
    ...(metric ? { metric } : {}),
    columns: Object.keys(values).map((opId) => ({ opId, category: "x" })),
    categories: ["x"],
    rows: [{
      runId: "r1",
      detector: "d",
      trainSet: "t",
      cells: Object.fromEntries(
        Object.keys(values).map((opId) => [opId, { opId, auc: null, n: 10, nReal: 5, nFake: 5 }]),
      ),
      values,
      categoryMeans: {},
      average: null,
    }],
    notes: [],
  });
  const base = storedTable(JSON.parse(JSON.stringify(table({ unaltered: 0.9, a: 0.8 }))));
  assert.equal(releaseGate(base, table({ unaltered: 0.9, a: 0.795 })).passed, true);
  const worse = releaseGate(base, table({ unaltered: 0.9, a: 0.7 }));
  assert.equal(worse.passed, false);
  assert.equal(worse.rows.find((r) => r.opId === "a")!.status, "regressed");
  assert.equal(worse.rows.find((r) => r.opId === "a")!.p, null, "no interval: no p");
  const missing = releaseGate(base, table({ unaltered: 0.9, a: null }));
  assert.equal(missing.rows.find((r) => r.opId === "a")!.status, "missing");
  // EER: lower is better, a rise is the drop.
  const eer = releaseGate(table({ a: 0.1 }, "eer"), table({ a: 0.2 }, "eer"));
  assert.equal(eer.rows[0].status, "regressed");
  assert.ok(Math.abs(eer.rows[0].drop! - 0.1) < 1e-12);
  assert.throws(() => releaseGate(base, table({ a: 0.8 }, "eer")), /stored table is in auc/);
});
