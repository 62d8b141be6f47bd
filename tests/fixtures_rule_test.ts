/**
 * The fixture rule of tests/_fixtures.ts, run in subprocesses: where the fixtures are looked
 * for, one short, loud SKIPPED SUITE line when they are missing, a failure under CI.
 */
import assert from "node:assert/strict";
import { join } from "node:path";

const FIXTURES_MODULE = new URL("./_fixtures.ts", import.meta.url).href;
const PROBE = `
import { FIXTURES, skipWithoutFixtures } from ${JSON.stringify(FIXTURES_MODULE)};
const first = skipWithoutFixtures("ultraface", "probe suite");
const again = skipWithoutFixtures("ultraface", "probe suite");
console.log(JSON.stringify({ folder: FIXTURES, first, again }));
`;

interface Probe {
  code: number;
  stderr: string;
  result?: { folder: string; first: boolean; again: boolean };
}

async function probe(cwd: string, env: Record<string, string>): Promise<Probe> {
  const script = join(cwd, "probe.ts");
  await Deno.writeTextFile(script, PROBE);
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-env", "--allow-ffi", "--allow-sys", script],
    cwd,
    // Only what the rule reads is set; CI and DFROBUST_FIXTURES never leak in from outside.
    env: { CI: "", DFROBUST_FIXTURES: "", NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(output.stdout).trim();
  return {
    code: output.code,
    stderr: new TextDecoder().decode(output.stderr),
    result: stdout ? JSON.parse(stdout) : undefined,
  };
}

function skippedLines(stderr: string): string[] {
  return stderr.split("\n").filter((line) => line.startsWith("SKIPPED SUITE"));
}

Deno.test("the fixture rule: where fixtures are looked for, and what happens without them", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "dfrobust_fixture_rule_" });
  try {
    const empty = join(dir, "empty");
    await Deno.mkdir(empty);

    await t.step(
      "missing: one short SKIPPED SUITE line naming the fixture, the file, the variable and " +
        "where sources and licences are listed",
      async () => {
        const run = await probe(dir, { DFROBUST_FIXTURES: empty });
        assert.equal(run.code, 0, run.stderr);
        assert.deepEqual(run.result, { folder: `${empty}/`, first: true, again: true });
        const lines = skippedLines(run.stderr);
        assert.equal(lines.length, 1, run.stderr);
        assert.equal(
          lines[0],
          "SKIPPED SUITE probe suite: needs the test fixtures ultraface " +
            `(ultraface/version-RFB-320.onnx +1 not in DFROBUST_FIXTURES=${empty}/; ` +
            "sources: tests/_fixtures.ts).",
        );
      },
    );

    await t.step("missing under CI=true: the run fails instead", async () => {
      const run = await probe(dir, { DFROBUST_FIXTURES: empty, CI: "true" });
      assert.notEqual(run.code, 0);
      assert.equal(run.result, undefined);
      assert.match(
        run.stderr,
        /probe suite: needs the test fixtures .*CI=true: nothing may be skipped/,
      );
      assert.deepEqual(skippedLines(run.stderr), []);
    });

    await t.step(
      "present: a relative DFROBUST_FIXTURES is taken from the working directory",
      async () => {
        await Deno.mkdir(join(dir, "fx", "ultraface"), { recursive: true });
        for (const file of ["version-RFB-320.onnx", "version-RFB-640.onnx"]) {
          await Deno.writeFile(join(dir, "fx", "ultraface", file), new Uint8Array());
        }
        const run = await probe(dir, { DFROBUST_FIXTURES: "fx", CI: "true" });
        assert.equal(run.code, 0, run.stderr);
        assert.deepEqual(run.result, { folder: `${join(dir, "fx")}/`, first: false, again: false });
        assert.deepEqual(skippedLines(run.stderr), []);
      },
    );

    await t.step("unset: ../shared/fixtures beside the repository", async () => {
      const run = await probe(dir, {});
      assert.equal(run.code, 0, run.stderr);
      assert.equal(
        run.result!.folder,
        new URL("../../shared/fixtures/", import.meta.url).pathname,
      );
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
