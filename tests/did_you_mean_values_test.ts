/**
 * Every "unknown name" error suggests the nearest known names, not only unknown flags: an
 * operation id or family (and, for a family with a bad level, that family's levels; for a
 * chain without its own `chain:` prefix, that it needs one), a `--by` column, a report format
 * (and `--json` for `--format json`), a metric, a profile, a run, a detector preset, a choice.
 */
import assert from "node:assert/strict";
import { loadDetectorSpec } from "../detectors/load.ts";
import { metricChoice } from "../metrics/decision_metrics.ts";
import { sliceColumn } from "../metrics/slice_values.ts";
import { getOperation } from "../ops/catalog.ts";
import { parseProfile } from "../ops/profile.ts";
import { selectOperations } from "../ops/select.ts";
import { reportFormat } from "../report/format_catalog.ts";
import { chooseRuns } from "../store/run_labels.ts";
import { type CommandSpec, parseCommand, UsageError } from "../util/cli.ts";
import { closestNames, didYouMean } from "../util/did_you_mean.ts";

Deno.test("didYouMean() names the nearest names, best first, or nothing when none is near", () => {
  assert.equal(didYouMean("methd", ["label", "method"]), 'did you mean "method"?');
  assert.equal(didYouMean("zzzz", ["label", "method"]), "");
  assert.deepEqual(
    closestNames("framerate_1of3", ["freeze_h3", "framerate_1of5", "framerate_1of2"]),
    [
      "framerate_1of5",
      "framerate_1of2",
    ],
  );
  assert.deepEqual(closestNames("JSON", ["html", "json"]), ["json"]);
});

Deno.test("an unknown operation suggests the nearest ids, a family's levels, or chain: per chain", async (t) => {
  const cases: [string, RegExp, RegExp?][] = [
    ["framrate", /Unknown operation "framrate" in --ops \(did you mean "framerate"\?\)/],
    ["noize_s5", /\(did you mean "noise_s5"/],
    [
      "freeze_h99",
      /family "freeze" has levels freeze_h3, freeze_h6, freeze_h10, freeze_h15, freeze_h24/,
    ],
    ["h264_crf99", /family "h264" has levels h264_crf23, .*h264_crf51.*--severity 1\.\.6/],
    [
      "chain:a=hflip+vflip,framerate_1of2+freeze_h6",
      /"framerate_1of2\+freeze_h6" in --ops \(each chain needs its own "chain:" prefix, e\.g\. chain:<name>=framerate_1of2\+freeze_h6/,
    ],
    [
      "hflip,b=hflip+vflip",
      /each chain needs its own "chain:" prefix, e\.g\. chain:b=hflip\+vflip/,
    ],
  ];
  for (const [spec, message] of cases) {
    await t.step(spec, async () => {
      const error = await selectOperations(spec).then(() => undefined, (e: Error) => e);
      assert.ok(error instanceof Error, `${spec} was accepted`);
      assert.match(error.message, message);
      // The hint, not a dump of every level id.
      assert.ok(!error.message.includes("jitter_w10") || spec.includes("jitter"), error.message);
    });
  }
  await t.step("a chain step", async () => {
    await assert.rejects(
      selectOperations("chain:c=hflip+framrate_1of2"),
      /"framrate_1of2" \(did you mean "framerate_1of2"/,
    );
    assert.throws(() => getOperation("vflp"), /\(did you mean "vflip"/);
  });
});

Deno.test("an unknown --by, format, metric, profile, run or preset names the nearest", async (t) => {
  await t.step("--by", () => {
    assert.throws(() => sliceColumn("methd"), /got "methd" \(did you mean "method"\?\)/);
    assert.throws(
      () => sliceColumn("splti", ["dataset", "split"]),
      /got "splti" \(did you mean "split"\?\)/,
    );
  });
  await t.step("format", () => {
    assert.throws(() => reportFormat("jsn"), /got "jsn" \(did you mean "json"\?\)/);
  });
  await t.step("metric", () => {
    assert.throws(() => metricChoice("acu"), /Unknown metric "acu".*\(did you mean "auc"/s);
  });
  await t.step("profile", () => {
    assert.throws(() => parseProfile("losless"), /\(did you mean "lossless"\?\)/);
  });
  await t.step("run", () => {
    const runs = [{ runId: "abcdef123456", detector: "mesonet4", trainSet: "ffpp", run: "" }];
    assert.throws(() => chooseRuns(runs, ["mesonet"]), /\(did you mean "mesonet4/);
  });
  await t.step("preset", async () => {
    await assert.rejects(loadDetectorSpec("mesonett"), /not a preset .*\(did you mean "mesonet"/);
  });
});

Deno.test("parseCommand() hints --format json for --json, and the nearest choice for a bad value", () => {
  const spec: CommandSpec = {
    name: "report",
    summary: "test",
    flags: {
      format: { type: "string", description: "format", choices: ["html", "md", "csv", "json"] },
      faces: { type: "string", description: "faces", choices: ["ultraface", "full", "sidecar"] },
    },
  };
  assert.throws(
    () => parseCommand(spec, ["--json"]),
    (e) =>
      e instanceof UsageError &&
      e.message === "unknown option --json (did you mean --format json?)",
  );
  assert.throws(
    () => parseCommand(spec, ["--faces", "ultrafase"]),
    (e) =>
      e instanceof UsageError && /got "ultrafase" \(did you mean "ultraface"\?\)$/.test(e.message),
  );
});
