/**
 * The installed command, as a new user meets it: from a fresh HOME with no `deno` on PATH (the
 * README's `npx -y deno@2.9.6` route), `deno task install` in the clone, then `dfrobust distort`,
 * `eval` and `report` from a data folder outside the clone with relative paths, `dfrobust kernel
 * install`, and a notebook in that folder run with `jupyter nbconvert --execute`. Nothing is
 * written into the clone (outside node_modules/, where the install fetches packages), every
 * output lands in the data folder, and Deno's first-run noise (package downloads, the ignored
 * build scripts box, the punycode deprecation warning) does not show.
 *
 * DENO_DIR stays this process's Deno cache, so no package is downloaded again (the one thing a
 * fresh HOME keeps; a real first run downloads into it once).
 */
import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { readDatasetManifest } from "../dataset/manifest.ts";
import { generateDemoDataset } from "../demo/dataset.ts";
import { loadReportData } from "../report/collect.ts";
import { KERNEL_NAME } from "../report/kernelspec.ts";
import { checkNotebookOutputs } from "../report/notebook_run.ts";
import { skipWithout, withFfmpeg } from "./_tools.ts";
import {
  assertNoProjectAbove,
  denoCacheFolders,
  networkEnv,
  REPO,
  userNotebook,
} from "./_outside.ts";

const DENO_NOISE = /Download|Initialize|approve-scripts|Ignored build scripts|DeprecationWarning/;

/** Every file of the clone outside .git/ and node_modules/, with its size and mtime. */
async function cloneListing(): Promise<string[]> {
  const out: string[] = [];
  async function walk(dir: string): Promise<void> {
    for await (const entry of Deno.readDir(dir)) {
      const path = join(dir, entry.name);
      const rel = relative(REPO, path);
      if (rel === ".git" || rel === "node_modules") continue;
      const info = await Deno.lstat(path);
      if (entry.isDirectory) await walk(path);
      else out.push(`${rel} ${info.size} ${info.mtime?.getTime()}`);
    }
  }
  await walk(REPO);
  return out.sort();
}

/** `git status --porcelain` of the clone ("" outside a git checkout). */
async function gitStatus(): Promise<string> {
  try {
    const out = await new Deno.Command("git", {
      args: ["status", "--porcelain", "--untracked-files=all"],
      cwd: REPO,
      stdout: "piped",
      stderr: "null",
    }).output();
    return new TextDecoder().decode(out.stdout);
  } catch {
    return "";
  }
}

/** PATH without any folder holding a `deno`: what a user with only Node.js/npm has. */
function pathWithoutDeno(): string {
  return (Deno.env.get("PATH") ?? "").split(":").filter((dir) => {
    try {
      Deno.statSync(join(dir, "deno"));
      return false;
    } catch {
      return dir !== "";
    }
  }).join(":");
}

Deno.test({
  name: "the dfrobust command runs distort, eval, report and a notebook from a folder outside " +
    "the clone, from a fresh HOME with no deno on PATH, and writes nothing into the clone",
  async fn(t) {
    const dir = await Deno.makeTempDir({ prefix: "dfrobust_outside_install_" });
    try {
      await assertNoProjectAbove(dir);
      const home = join(dir, "home");
      const work = join(dir, "work");
      await Deno.mkdir(home);
      await Deno.mkdir(work);
      const { denoDir } = await denoCacheFolders();
      const env: Record<string, string> = {
        ...networkEnv(),
        HOME: home,
        PATH: `${join(home, ".deno", "bin")}:${pathWithoutDeno()}`,
        DENO_DIR: denoDir,
        NO_COLOR: "1",
      };
      const run = async (command: string, args: string[], cwd: string) => {
        const out = await new Deno.Command(command, {
          args,
          cwd,
          env,
          clearEnv: true,
          stdin: "null",
          stdout: "piped",
          stderr: "piped",
        }).output();
        const decode = (b: Uint8Array) => new TextDecoder().decode(b);
        return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
      };
      const listingBefore = await cloneListing();
      const gitBefore = await gitStatus();

      // The one-liner, in the clone: `npx -y deno@2.9.6 task install` (here: this Deno binary).
      const install = await run(Deno.execPath(), ["task", "install"], REPO);
      assert.equal(install.code, 0, install.stderr);
      const launcher = join(home, ".deno", "bin", "dfrobust");
      assert.equal(install.stdout.trim(), launcher);
      // It runs a Deno kept beside it, not the npx cache's binary (which npm may clear).
      const keptDeno = join(home, ".deno", "bin", `deno-${Deno.version.deno}`);
      assert.match(await Deno.readTextFile(launcher), new RegExp(`exec '${keptDeno}'`));

      // The user's data, in their own folder.
      await withFfmpeg(
        "auto",
        (ffmpeg) =>
          generateDemoDataset(join(work, "data"), { reals: 3, frames: 8, size: 128, ffmpeg }),
      );
      const dfrobust = async (...args: string[]) => {
        const out = await run("dfrobust", args, work);
        assert.doesNotMatch(out.stderr, DENO_NOISE, `dfrobust ${args.join(" ")}`);
        return out;
      };

      const help = await dfrobust("--help");
      for (const name of ["distort", "eval", "report", "verify", "gc", "notebooks", "kernel"]) {
        assert.match(help.stdout, new RegExp(`^  ${name} `, "m"));
      }
      const distort = await dfrobust(
        "distort",
        "--manifest",
        "data/dataset.csv",
        "--ops",
        "unaltered,hflip",
        "--out",
        "copies",
      );
      assert.equal(distort.code, 0, distort.stderr);
      const evaluated = await dfrobust(
        "eval",
        "--detector",
        "demo",
        "--data",
        "copies",
        "--store",
        "store",
        "--faces",
        "sidecar",
        "--sidecar",
        "data/faces.json",
        "--frames",
        "4",
      );
      assert.equal(evaluated.code, 0, evaluated.stderr);
      const report = await dfrobust("report", "--store", "store", "--data", "copies");
      assert.equal(report.code, 0, report.stderr);
      assert.equal(report.stdout.trim(), "report.html");
      assert.match(await Deno.readTextFile(join(work, "report.html")), /<table/);
      const data = await loadReportData(join(work, "store"));
      assert.deepEqual(data.cells.map((c) => c.opId).sort(), ["hflip", "unaltered"]);
      const entries = await readDatasetManifest(join(work, "data", "dataset.csv"));
      assert.ok(data.cells.every((c) => c.positives + c.negatives === entries.length));

      // `deno task` from the data folder: relative paths and the default output are the
      // caller's too (INIT_CWD), not the clone's.
      await Deno.remove(join(work, "report.html"));
      const task = await run(
        Deno.execPath(),
        ["task", "--quiet", "--config", join(REPO, "deno.json"), "report", "--store", "store"],
        work,
      );
      assert.equal(task.code, 0, task.stderr);
      assert.doesNotMatch(task.stderr, DENO_NOISE);
      assert.match(await Deno.readTextFile(join(work, "report.html")), /<table/);

      // A relative path that does not exist is named as the caller typed it, from their folder.
      const missing = await dfrobust("report", "--store", "nowhere");
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /"nowhere"/);
      const usage = await dfrobust("report", "store");
      assert.equal(usage.code, 2);
      assert.match(usage.stderr, /unexpected argument "store".*--store store/);

      // The kernel: installed into the fresh HOME, naming this Deno binary.
      const kernel = await dfrobust("kernel", "install");
      assert.equal(kernel.code, 0, kernel.stderr);
      const kernelFile = join(
        home,
        ".local",
        "share",
        "jupyter",
        "kernels",
        KERNEL_NAME,
        "kernel.json",
      );
      assert.equal(kernel.stdout.trim(), kernelFile);
      assert.equal(JSON.parse(await Deno.readTextFile(kernelFile)).argv[0], keptDeno);

      await t.step({
        name: "a notebook in the data folder runs on the installed kernel (jupyter nbconvert)",
        ignore: skipWithout("jupyter", "installed kernel notebook"),
        async fn() {
          await Deno.writeTextFile(join(work, "mine.ipynb"), JSON.stringify(userNotebook()));
          const nb = await run("jupyter", [
            "nbconvert",
            "--to",
            "notebook",
            "--execute",
            "--ExecutePreprocessor.timeout=300",
            "--output",
            "mine.executed.ipynb",
            "mine.ipynb",
          ], work);
          assert.equal(nb.code, 0, nb.stderr);
          const executed = JSON.parse(await Deno.readTextFile(join(work, "mine.executed.ipynb")));
          assert.deepEqual(checkNotebookOutputs(executed), []);
          const first = executed.cells[0].outputs.find((o: { data?: unknown }) => o.data).data;
          assert.equal([first["text/plain"]].flat().join(""), `${data.cells.length} AUC cells`);
        },
      });

      // Nothing written into the clone; the outputs are in the data folder.
      assert.deepEqual(await cloneListing(), listingBefore);
      assert.equal(await gitStatus(), gitBefore);
      for (const name of ["copies", "store", "report.html"]) {
        await Deno.stat(join(work, name));
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
