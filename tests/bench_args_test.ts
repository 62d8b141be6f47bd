/**
 * `deno task bench`'s command line (bench/_bench_args.ts): strict like every task's; a typo'd
 * flag exits 2 with "did you mean" before any benchmark starts, and each benchmark gets only
 * the flags it takes, wherever they stand among the names.
 */
import assert from "node:assert/strict";
import { runDenoTask } from "./_tools.ts";
import { BENCH_NAMES, parseBenchArgs } from "../bench/_bench_args.ts";

Deno.test("parseBenchArgs() hands each benchmark its own flags and refuses the rest", async (t) => {
  await t.step("no names: every benchmark; a flag goes to those that take it", () => {
    const parsed = parseBenchArgs(["--sizes", "70"]);
    assert.deepEqual(parsed.names, BENCH_NAMES);
    assert.deepEqual(parsed.flags.get("report"), ["--sizes", "70"]);
    assert.deepEqual(parsed.flags.get("decision"), ["--sizes", "70"]);
    assert.deepEqual(parsed.flags.get("distort"), []);
    assert.deepEqual(parsed.flags.get("auc"), []);
  });
  await t.step("names and flags in any order, --flag=value too", () => {
    const parsed = parseBenchArgs(["--families=framerate,freeze", "distort", "auc"]);
    assert.deepEqual(parsed.names, ["distort", "auc"]);
    assert.deepEqual(parsed.flags.get("distort"), ["--families", "framerate,freeze"]);
    assert.deepEqual(parsed.flags.get("auc"), []);
  });
  await t.step("typos and misplaced flags are usage errors", () => {
    for (
      const [args, message] of [
        [["--nope"], /unknown option --nope$/],
        [["distort", "--famlies", "x"], /unknown option --famlies \(did you mean --families\?\)/],
        [["--hepl"], /did you mean --help\?/],
        [["reprot"], /unknown benchmark "reprot" \(did you mean report\?\)/],
        [["auc", "--families", "x"], /--families is a flag of distort, which is not run here/],
        [["distort", "--families"], /argument missing/],
      ] as const
    ) {
      assert.throws(() => parseBenchArgs(args), message, args.join(" "));
    }
  });
});

Deno.test("deno task bench --nope exits 2 before any benchmark starts", async () => {
  const r = await runDenoTask("bench/main.ts", ["--nope"]);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.equal(r.stdout, "", "no benchmark started");
  assert.match(r.stderr, /^error: unknown option --nope\nRun "deno task bench --help" for usage\./);
  const help = await runDenoTask("bench/main.ts", ["--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /distort: --families/);
});
