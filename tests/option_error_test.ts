/**
 * One rule for exit code 2: a library function throws an OptionError (util/option_error.ts) for a
 * bad option, and the task runner maps it to 2 with no task re-wrapping it; any other error is 1.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { distortDataset } from "../artifacts/distort.ts";
import { loadDetectorSpec } from "../detectors/load.ts";
import { evaluate } from "../eval/evaluate.ts";
import { faceModelFor } from "../eval/face_model.ts";
import { cellMetric } from "../metrics/cell_metrics.ts";
import { parseSeverity, selectOperations } from "../ops/select.ts";
import { reportFormat } from "../report/format_catalog.ts";
import { resolveShard } from "../scale/shard.ts";
import { UnknownRunError } from "../store/run_labels.ts";
import { type CommandSpec, parseCommand, UsageError } from "../util/cli.ts";
import { parseLimitFlags, resolveLimits } from "../util/limits.ts";
import { OptionError } from "../util/option_error.ts";
import { tinySpec } from "./eval_fixtures.ts";
import { writeManifest } from "./distort_fixtures.ts";

const ROOT = new URL("../", import.meta.url).pathname;

Deno.test("a bad option of a library call is an OptionError (a RangeError) naming it", async (t) => {
  const cases: [string, () => unknown, RegExp][] = [
    ["resolveShard", () => resolveShard("3/3", {}), /outside 0\.\.2/],
    ["parseSeverity", () => parseSeverity("0"), /--severity must be "all"/],
    ["selectOperations", () => selectOperations("smudge"), /Unknown operation "smudge"/],
    ["selectOperations (chain)", () => selectOperations("chain:web=smudge"), /smudge/],
    ["reportFormat", () => reportFormat("pdf"), /--format must be one of/],
    ["cellMetric", () => cellMetric("f1"), /Unknown cell metric "f1"/],
    ["parseLimitFlags", () => parseLimitFlags(["faces=5"]), /--limit wants name=value/],
    ["resolveLimits", () => resolveLimits({ batch: 0 }), /Limit batch must be a positive/],
    ["faceModelFor", () => faceModelFor("ultraface", undefined, () => undefined), /needs the/],
    ["UnknownRunError", () => {
      throw new UnknownRunError("no run");
    }, /no run/],
    ["evaluate force+shard", () =>
      evaluate({
        spec: tinySpec(),
        modelPath: "/nonexistent/model.onnx",
        data: "/nonexistent/copies",
        store: "/nonexistent/store",
        faces: "full",
        force: true,
        shard: { index: 0, count: 2 },
      }), /force cannot be combined with a shard/],
    // A level a family lacks, an operation twice, a detector name, a missing --sidecar, a bad
    // frame or batch count: what was asked, before any work (exit 2, never 1).
    [
      "selectOperations (severity out of range)",
      () => selectOperations("framerate", { severity: [9] }),
      /--severity 9: family "framerate"/,
    ],
    [
      "selectOperations (twice)",
      () => selectOperations("chain:web=hflip+vflip,chain:web=hflip+vflip"),
      /asked for twice/,
    ],
    [
      "loadDetectorSpec (unknown name)",
      () => loadDetectorSpec("demoo"),
      /Unknown detector "demoo"/,
    ],
    ...(["sidecar", "frames", "batch"] as const).map((what): [string, () => unknown, RegExp] => [
      `evaluate ${what}`,
      () =>
        evaluate({
          spec: tinySpec(),
          modelPath: "/nonexistent/model.onnx",
          data: "/nonexistent/copies",
          store: "/nonexistent/store",
          faces: what === "sidecar" ? "sidecar" : "full",
          ...(what === "frames" ? { frames: 0 } : what === "batch" ? { batch: 0 } : {}),
        }),
      what === "sidecar" ? /needs a face sidecar file/ : new RegExp(`${what} must be a positive`),
    ]),
  ];
  for (const [name, call, message] of cases) {
    await t.step(name, async () => {
      const error = await Promise.resolve().then(call).then(() => null, (e) => e);
      assert.ok(error instanceof OptionError, `${name}: ${error}`);
      assert.ok(error instanceof RangeError);
      assert.match(error.message, message);
    });
  }
  await t.step("distortDataset force+finish", async () => {
    const dir = await Deno.makeTempDir({ prefix: "dfrobust_option_" });
    try {
      const manifest = await writeManifest(dir, [["a", "a.mp4", 0]]);
      await assert.rejects(
        distortDataset(manifest, {
          out: join(dir, "out"),
          ops: "hflip",
          force: true,
          finish: true,
        }),
        (e) => e instanceof OptionError && /force cannot be combined/.test(e.message),
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});

const SPEC: CommandSpec = {
  name: "t",
  summary: "test",
  flags: {
    mode: { type: "string", description: "m", choices: ["a", "b"], default: "a" },
    kind: { type: "string", description: "k", choices: ["x", "y", "z"], multiple: true },
  },
};

Deno.test("parseCommand() refuses a value outside a flag's choices with a UsageError", () => {
  assert.equal(parseCommand(SPEC, []).values.mode, "a");
  assert.equal(parseCommand(SPEC, ["--mode", "b"]).values.mode, "b");
  assert.deepEqual(parseCommand(SPEC, ["--kind", "x", "--kind", "z"]).values.kind, ["x", "z"]);
  assert.throws(
    () => parseCommand(SPEC, ["--mode", "c"]),
    (e) => e instanceof UsageError && e.message === `--mode must be a or b, got "c"`,
  );
  assert.throws(
    () => parseCommand(SPEC, ["--kind", "x", "--kind", "w"]),
    (e) => e instanceof UsageError && e.message === `--kind must be one of x, y, z, got "w"`,
  );
  assert.ok(new UsageError("u") instanceof OptionError);
});

Deno.test("runTask() exits 2 for an OptionError from the library and 1 for any other error", async () => {
  const dir = await Deno.makeTempDir({ prefix: "dfrobust_option_" });
  try {
    const task = join(dir, "task.ts");
    await Deno.writeTextFile(
      task,
      `import { runTask } from "${ROOT}util/cli.ts";\n` +
        `import { resolveShard } from "${ROOT}scale/shard.ts";\n` +
        `await runTask({ name: "t", summary: "", flags: { bad: { type: "string", description: "" } } },` +
        ` async (parsed) => { if (parsed.values.bad === "option") resolveShard("9/2", {});` +
        ` throw new Error("the run failed"); });\n`,
    );
    const run = async (value: string) => {
      const output = await new Deno.Command(Deno.execPath(), {
        args: ["run", "--no-lock", "--allow-env", task, "--bad", value],
        stdout: "piped",
        stderr: "piped",
      }).output();
      return { code: output.code, stderr: new TextDecoder().decode(output.stderr) };
    };
    const option = await run("option");
    assert.equal(option.code, 2, option.stderr);
    assert.match(option.stderr, /^error: .*9\/2.*\nRun "deno task t --help" for usage\./);
    const other = await run("other");
    assert.equal(other.code, 1, other.stderr);
    assert.match(other.stderr, /^error: the run failed$/m);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
