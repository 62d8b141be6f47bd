import assert from "node:assert/strict";
import { join } from "node:path";

const repo = new URL("..", import.meta.url).pathname;

/** This process's Deno cache folder (DENO_DIR, else Deno's default under the cache home). */
function denoDir(): string {
  const env = Deno.env.toObject();
  return env.DENO_DIR ?? join(env.XDG_CACHE_HOME ?? join(env.HOME ?? "/", ".cache"), "deno");
}

/** Adds every file under `dir` to `found`, as paths relative to `root`. */
async function filesUnder(root: string, dir: string, found: string[]): Promise<void> {
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) await filesUnder(root, path, found);
    else found.push(path.slice(root.length + 1));
  }
}

/**
 * Runs a script that opens a real onnxruntime session through the library in a fresh HOME and
 * cache folder, and lists what onnxruntime's telemetry would have written there.
 */
async function telemetryFilesAfterSession(importLine: string): Promise<string[]> {
  const home = await Deno.makeTempDir({ prefix: "dfrobust-telemetry-" });
  try {
    const script = join(home, "open_session.ts");
    await Deno.writeTextFile(
      script,
      `${importLine}\n` +
        `const s = await ort.InferenceSession.create(${
          JSON.stringify(join(repo, "detectors/models/demo.onnx"))
        });\n` +
        `console.log(s.inputNames.join(","));\n`,
    );
    const env: Record<string, string> = {
      ...Deno.env.toObject(),
      HOME: home,
      XDG_CACHE_HOME: join(home, ".cache"),
      // Deno's own cache stays where it is (no download, and not in the folder looked at).
      DENO_DIR: denoDir(),
    };
    delete env.ORT_DISABLE_TELEMETRY;
    // onnxruntime's telemetry client stays off by itself where CI is set (measured): unset it,
    // so that the raw package's step shows what a user's machine gets.
    delete env.CI;
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-read", "--allow-env", "--allow-ffi", "--allow-sys", script],
      cwd: repo,
      env,
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const out = await child.output();
    // The telemetry client also leaves a debug log in /tmp (not under HOME): remove it.
    await Deno.remove(`/tmp/mat-debug-${child.pid}.log`).catch(() => {});
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    assert.equal(new TextDecoder().decode(out.stdout).trim(), "image");
    const found: string[] = [];
    await filesUnder(home, home, found);
    return found.filter((path) => path !== "open_session.ts");
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

Deno.test("onnxruntime sessions opened through the library write no telemetry", async (t) => {
  await t.step(
    "the library's seam turns telemetry off: no device id, no event database",
    async () => {
      const files = await telemetryFilesAfterSession(
        `import * as ort from ${JSON.stringify(join(repo, "deps/onnxruntime.ts"))};`,
      );
      assert.deepEqual(files, []);
    },
  );
  await t.step("the raw package writes them (the test can fail)", async () => {
    const files = await telemetryFilesAfterSession(
      `import * as ort from "npm:onnxruntime-node@1.30.0";`,
    );
    assert.ok(
      files.some((path) => path.includes(".onnxruntime")),
      `expected onnxruntime's telemetry files, found ${JSON.stringify(files)}`,
    );
  });
});
