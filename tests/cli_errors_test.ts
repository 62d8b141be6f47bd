/**
 * Every task's command line fails the same clear way: an unknown flag names the closest known
 * one (exit 2), an argument a task does not take is refused (never dropped), relative paths are
 * the caller's (INIT_CWD), the installed command's dispatcher refuses unknown and clone-only
 * commands (exit 2), and bad input names what was found: a manifest's header, a path outside
 * the manifest's folder (with the option that allows it), a video `--dry-run` cannot read, an
 * empty store given to `notebooks`. SKIPPED SUITE lines stay short.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { parseDatasetManifest } from "../dataset/manifest.ts";
import { type CommandSpec, parseCommand, UsageError } from "../util/cli.ts";
import { closestName } from "../util/did_you_mean.ts";
import { readTaskTable } from "../util/task_table.ts";
import { FIXTURE_SOURCES } from "./_fixtures.ts";
import { makeClip, writeManifest } from "./distort_fixtures.ts";
import { runDenoTask, skipWithout, withFfmpeg } from "./_tools.ts";

const ROOT = new URL("../", import.meta.url).pathname;

const SPEC: CommandSpec = {
  name: "report",
  summary: "test",
  flags: {
    store: { type: "string", description: "store", valueName: "<dir>" },
    format: { type: "string", description: "format", short: "f" },
    title: { type: "string", description: "title" },
    static: { type: "boolean", description: "static" },
  },
};

Deno.test("parseCommand() refuses unknown flags with a did-you-mean and never drops an argument", async (t) => {
  const cases: [string[], RegExp][] = [
    [["--stor", "x"], /^unknown option --stor \(did you mean --store\?\)$/],
    [["--store=x", "--formt=md"], /^unknown option --formt \(did you mean --format\?\)$/],
    [["--stattic"], /^unknown option --stattic \(did you mean --static\?\)$/],
    [["--zzzzzz"], /^unknown option --zzzzzz$/],
    [["-x"], /^unknown option -x$/],
    [
      ["out/store"],
      /^unexpected argument "out\/store" \(.*takes options only, e\.g\. --store out\/store\)$/,
    ],
    [["--store", "s", "extra"], /^unexpected argument "extra"/],
  ];
  for (const [args, message] of cases) {
    await t.step(args.join(" "), () => {
      assert.throws(() => parseCommand(SPEC, args), (error: Error) => {
        assert.ok(error instanceof UsageError);
        assert.match(error.message, message);
        return true;
      });
    });
  }
  await t.step("a value that starts with a dash stays a value", () => {
    const parsed = parseCommand(SPEC, ["--title=-z-", "-f", "md", "--store=--x"]);
    assert.equal(parsed.values.title, "-z-");
    assert.equal(parsed.values.format, "md");
    assert.equal(parsed.values.store, "--x");
  });
  await t.step("a task naming its positionals takes that many", () => {
    const gc = { ...SPEC, positionals: "<dir>" };
    assert.deepEqual(parseCommand(gc, ["a"]).positionals, ["a"]);
    assert.throws(() => parseCommand(gc, ["a", "b"]), /unexpected argument "b" \(.* takes <dir>\)/);
  });
});

Deno.test("closestName() finds likely typos and nothing else", () => {
  assert.equal(closestName("stor", ["store", "out"]), "store");
  assert.equal(closestName("reprot", ["report", "eval"]), "report");
  assert.equal(closestName("categry-means", ["category-means"]), "category-means");
  assert.equal(closestName("resample", ["resamples"]), "resamples");
  assert.equal(closestName("x", ["store", "out"]), undefined);
  assert.equal(closestName("banana", ["store", "out"]), undefined);
});

Deno.test("every deno run task exits 2 on an unknown flag, naming the closest one", async (t) => {
  // bench too: its flags are checked before a benchmark runs (bench/_bench_args.ts).
  const tasks = readTaskTable().filter((task) => task.run);
  assert.ok(tasks.length >= 12);
  for (const task of tasks) {
    await t.step(task.name, async () => {
      const r = await runDenoTask(task.run!.script, ["--hepl"]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /^error: unknown option --hepl \(did you mean --help\?\)\n/);
      assert.match(r.stderr, new RegExp(`Run "deno task ${task.name} --help" for usage\\.`));
    });
  }
});

Deno.test("a positional argument to report is a usage error (exit 2), not dropped", async () => {
  const r = await runDenoTask("tasks/report.ts", ["out/store"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unexpected argument "out\/store" .*--store out\/store/);
});

Deno.test("a task run by deno task works from INIT_CWD, the folder it was typed in", async (t) => {
  const caller = await Deno.makeTempDir({ prefix: "dfrobust_init_cwd_" });
  const elsewhere = await Deno.makeTempDir({ prefix: "dfrobust_init_cwd_other_" });
  try {
    await t.step("in the clone's root (as deno task runs it): relative to INIT_CWD", async () => {
      const root = join(caller, "deno root");
      const r = await runDenoTask("tasks/kernel.ts", ["install", "--dir", "jupyter-data"], {
        cwd: ROOT,
        env: { INIT_CWD: caller, DENO_INSTALL_ROOT: root },
      });
      assert.equal(r.code, 0, r.stderr);
      const file = join(caller, "jupyter-data", "kernels", "dfrobust-deno", "kernel.json");
      assert.equal(r.stdout.trim(), file);
      // The Deno kept in the install root, not this one (it may sit in npm's cache).
      const kept = join(root, "bin", `deno-${Deno.version.deno}`);
      assert.equal(JSON.parse(await Deno.readTextFile(file)).argv[0], kept);
      await assert.rejects(Deno.stat(join(ROOT, "jupyter-data")));
    });
    await t.step("started in another folder: an inherited INIT_CWD is not followed", async () => {
      const r = await runDenoTask("tasks/kernel.ts", ["install", "--dir", "here"], {
        cwd: elsewhere,
        env: { INIT_CWD: caller, DENO_INSTALL_ROOT: join(elsewhere, "deno root") },
      });
      assert.equal(r.code, 0, r.stderr);
      await Deno.stat(join(elsewhere, "here", "kernels", "dfrobust-deno", "kernel.json"));
      await assert.rejects(Deno.stat(join(caller, "here")));
    });
  } finally {
    await Deno.remove(caller, { recursive: true });
    await Deno.remove(elsewhere, { recursive: true });
  }
});

Deno.test("the dfrobust dispatcher refuses an unknown or clone-only command with exit 2", async () => {
  const dispatch = async (...args: string[]) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--no-config",
        "--allow-read",
        "--allow-run",
        join(ROOT, "tasks/dfrobust.ts"),
        ...args,
      ],
      cwd: "/",
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const decode = (b: Uint8Array) => new TextDecoder().decode(b);
    return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
  };
  const unknown = await dispatch("reprot");
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command "reprot" \(did you mean "report"\?\)/);
  const cloneOnly = await dispatch("test");
  assert.equal(cloneOnly.code, 2);
  assert.match(cloneOnly.stderr, /"test" runs only inside the clone: cd .* && deno task test/);
  const help = await dispatch("--help");
  assert.equal(help.code, 0);
  for (const task of readTaskTable().filter((task) => task.run)) {
    assert.match(help.stdout, new RegExp(`^  ${task.name} +\\S`, "m"));
  }
  // A task's own usage error comes back as the task's exit code, named as dfrobust.
  const usage = await dispatch("report", "--stor", "x");
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /did you mean --store\?\)\nRun "dfrobust report --help" for usage\./);
});

Deno.test("a manifest's header error shows the header found; an outside path names the way out", () => {
  assert.throws(
    () => parseDatasetManifest("idx,file,label\na,a.mp4,0\n", "/d/m.csv"),
    /Manifest "\/d\/m\.csv": header "idx,file,label" has no column "id" \(need id,path,label/,
  );
  assert.throws(
    () => parseDatasetManifest("id,path,label\na,/elsewhere/a.mp4,0\n", "/d/m.csv"),
    /row 2: path "\/elsewhere\/a\.mp4" points outside "\/d": .*import-ffpp --link.*--allow-outside-links/,
  );
});

Deno.test({
  name: "distort --dry-run names a video that is missing and exits 1",
  ignore: skipWithout("ffmpeg", "distort dry run"),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "dfrobust_dry_run_" });
    try {
      await withFfmpeg("native", (ffmpeg) => makeClip(ffmpeg, join(dir, "a.mp4"), { frames: 4 }));
      const manifest = await writeManifest(dir, [["a", "a.mp4", 0], ["gone", "gone.mp4", 1]]);
      const r = await runDenoTask("tasks/distort.ts", [
        "--manifest",
        manifest,
        "--out",
        join(dir, "out"),
        "--ops",
        "unaltered,hflip",
        "--dry-run",
        "--json",
      ]);
      assert.equal(r.code, 1, r.stderr);
      const summary = JSON.parse(r.stdout);
      assert.deepEqual(summary.copies.map((c: { state: string }) => c.state), [
        "planned",
        "planned",
      ]);
      for (const copy of summary.copies) {
        assert.deepEqual(copy.failures.map((f: { videoId: string }) => f.videoId), ["gone"]);
        assert.match(copy.failures[0].error, /gone\.mp4/);
      }
      // Nothing written.
      await assert.rejects(Deno.stat(join(dir, "out")));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "notebooks on a missing or empty store says so in one line and exits 1",
  ignore: skipWithout("jupyter", "notebooks on an empty store"),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "dfrobust_nb_empty_" });
    try {
      for (const store of [join(dir, "nothing"), dir]) {
        const r = await runDenoTask("tasks/notebooks.ts", [
          "--store",
          store,
          "--out",
          join(dir, "nb"),
        ]);
        assert.equal(r.code, 1);
        assert.match(r.stderr, /^error: Results store ".*" (does not exist|is empty)/);
        assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
        assert.doesNotMatch(r.stderr, /Traceback/);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("a SKIPPED SUITE line for missing fixtures stays under 200 characters", async () => {
  const names = Object.keys(FIXTURE_SOURCES);
  const script =
    `import { skipWithoutFixtures } from ${JSON.stringify(join(ROOT, "tests/_fixtures.ts"))};\n` +
    `for (const name of ${JSON.stringify(names)}) skipWithoutFixtures(name, "suite " + name);\n` +
    `skipWithoutFixtures(${JSON.stringify(names.slice(0, 2))}, "two of them");`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", script],
    cwd: ROOT,
    env: { DFROBUST_FIXTURES: "/nonexistent/fixtures", CI: "", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const lines = new TextDecoder().decode(out.stderr).trim().split("\n");
  assert.equal(lines.length, names.length + 1, lines.join("\n"));
  for (const line of lines) {
    assert.match(line, /^SKIPPED SUITE .*: needs the test fixtures .*tests\/_fixtures\.ts\)\.$/);
    assert.ok(line.length < 200, `${line.length} characters: ${line}`);
  }
});

Deno.test("loading Vega prints no punycode deprecation warning; other deprecations still print", async () => {
  const run = async (code: string) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["eval", "--config", join(ROOT, "deno.json"), code],
      cwd: ROOT,
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    return new TextDecoder().decode(out.stderr);
  };
  // The warning is emitted on a later tick: wait for it before exiting.
  const vega = await run(
    `await import(${JSON.stringify(join(ROOT, "deps/vega.ts"))});\n` +
      `await new Promise((r) => setTimeout(r, 200));`,
  );
  assert.doesNotMatch(vega, /DEP0040|DeprecationWarning/);
  const other = await run(
    `await import(${JSON.stringify(join(ROOT, "deps/vega.ts"))});\n` +
      `const { default: process } = await import("node:process");\n` +
      `process.emitWarning("old", "DeprecationWarning", "DEP9999");\n` +
      `await new Promise((r) => setTimeout(r, 200));`,
  );
  assert.match(other, /DEP9999/);
});

Deno.test("eval and distort check what was asked (exit 2) before the machine and the data", async (t) => {
  // No UltraFace model on this machine and no data: the bad option is still the error shown.
  const env = { DFROBUST_FACE_MODEL: "" };
  const cases: [string, string[], RegExp][] = [
    [
      "tasks/eval.ts",
      ["--detector", "demoo", "--data", "nope", "--store", "s"],
      /Unknown detector "demoo"/,
    ],
    [
      "tasks/eval.ts",
      [
        "--detector",
        "xception",
        "--model",
        "m.onnx",
        "--data",
        "nope",
        "--store",
        "s",
        "--batch",
        "0",
      ],
      /--batch must be/,
    ],
    [
      "tasks/eval.ts",
      [
        "--detector",
        "xception",
        "--model",
        "m.onnx",
        "--faces",
        "sidecar",
        "--data",
        "nope",
        "--store",
        "s",
      ],
      /needs a face sidecar file \(--sidecar/,
    ],
    [
      "tasks/distort.ts",
      ["--manifest", "nope.csv", "--out", "o", "--ops", "framerate", "--severity", "9"],
      /--severity 9: family "framerate" has levels 1\.\.5/,
    ],
  ];
  for (const [task, args, message] of cases) {
    await t.step(`${task} ${args.join(" ")}`, async () => {
      const r = await runDenoTask(task, args, { env });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /UltraFace/);
    });
  }
});
