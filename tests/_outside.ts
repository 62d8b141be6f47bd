/**
 * Shared by the tests that use dfrobust from outside the repository (a script, a notebook):
 * where the repository is, where Deno keeps npm packages, and the check that the outside folder
 * really is outside any Deno or npm project.
 * @module
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";

/** The repository root, absolute, with a trailing slash. */
export const REPO: string = new URL("../", import.meta.url).pathname;

/**
 * Asserts that neither `dir` nor any folder above it holds a deno.json(c) or package.json:
 * otherwise Deno would resolve imports through that project instead of as a user's bare folder.
 */
export async function assertNoProjectAbove(dir: string): Promise<void> {
  for (let folder = dir;; folder = dirname(folder)) {
    for (const name of ["deno.json", "deno.jsonc", "package.json"]) {
      const found = await Deno.stat(join(folder, name)).then(() => true, () => false);
      assert.ok(!found, `${join(folder, name)} exists: "${dir}" is not outside every project`);
    }
    if (dirname(folder) === folder) return;
  }
}

/** Deno's cache folders for this binary and environment (`deno info --json`). */
export async function denoCacheFolders(): Promise<{ denoDir: string; npmCache: string }> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json"],
    cwd: "/",
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).output();
  assert.ok(output.success, "deno info --json failed");
  const info = JSON.parse(new TextDecoder().decode(output.stdout));
  return { denoDir: info.denoDir, npmCache: info.npmCache };
}
