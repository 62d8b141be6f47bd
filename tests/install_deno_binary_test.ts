/**
 * The installed command and the notebooks' kernel survive the npx cache being cleared: install
 * keeps the running Deno in the install root as `deno-<version>` and the launcher names that
 * copy; a launcher whose Deno is gone anyway says so and how to reinstall (exit 1), never a
 * bare "not found".
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { installRoot, keepDenoBinary } from "../tasks/_deno_binary.ts";
import { launcherScript } from "../tasks/_launcher.ts";

async function runSh(script: string, args: string[] = []) {
  const out = await new Deno.Command("sh", {
    args: [script, ...args],
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

Deno.test("keepDenoBinary() keeps a Deno that still runs after the npx cache's copy is gone", async () => {
  const dir = await Deno.makeTempDir({ prefix: "dfrobust deno bin " });
  try {
    // A stand-in for ~/.npm/_npx/<hash>/node_modules/deno/deno.
    const cache = join(dir, "npx cache", "deno");
    await Deno.mkdir(join(dir, "npx cache"));
    await Deno.copyFile(Deno.execPath(), cache);
    await Deno.chmod(cache, 0o755);
    const bin = join(dir, "root", "bin");
    const kept = await keepDenoBinary(bin, cache);
    assert.equal(kept, join(bin, `deno-${Deno.version.deno}`));
    assert.equal(await keepDenoBinary(bin, kept), kept, "kept Deno is reused as is");
    assert.equal(await keepDenoBinary(bin, cache), kept, "a second install replaces it in place");
    assert.deepEqual(
      [...Deno.readDirSync(bin)].map((e) => e.name),
      [`deno-${Deno.version.deno}`],
      "no temporary file left",
    );
    await Deno.remove(join(dir, "npx cache"), { recursive: true }); // npm cache clean
    const version = await new Deno.Command(kept, { args: ["--version"], stdout: "piped" }).output();
    assert.ok(version.success);
    assert.match(new TextDecoder().decode(version.stdout), new RegExp(`deno ${Deno.version.deno}`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a launcher whose Deno is gone says which and how to reinstall, exit 1", async () => {
  const dir = await Deno.makeTempDir({ prefix: "dfrobust launcher " });
  try {
    const gone = join(dir, "npx cache", "deno");
    const launcher = join(dir, "dfrobust");
    await Deno.writeTextFile(launcher, launcherScript(gone));
    const r = await runSh(launcher, ["--help"]);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      new RegExp(
        `the Deno binary "${gone}" is gone; reinstall: cd .* && npx -y deno@${Deno.version.deno} task install`,
      ),
    );
    // With the Deno there, it runs the dispatcher.
    await Deno.writeTextFile(launcher, launcherScript(Deno.execPath()));
    const ok = await runSh(launcher, ["--help"]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout + ok.stderr, /dfrobust/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("installRoot() is --root, else $DENO_INSTALL_ROOT, else ~/.deno", () => {
  const env = (vars: Record<string, string>) => (name: string) => vars[name];
  assert.equal(installRoot("/given", env({ DENO_INSTALL_ROOT: "/env root" })), "/given");
  assert.equal(installRoot(undefined, env({ DENO_INSTALL_ROOT: "/env root" })), "/env root");
  assert.equal(installRoot(undefined, env({ HOME: "/home/u" })), join("/home/u", ".deno"));
  assert.throws(() => installRoot(undefined, env({})), /No install root/);
});
