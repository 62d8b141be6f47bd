/**
 * Shared by the tests that use dfrobust from outside the repository (a script, a notebook):
 * where the repository is, where Deno keeps npm packages, and the check that the outside folder
 * really is outside any Deno or npm project.
 * @module
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { KERNEL_NAME } from "../report/kernelspec.ts";

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

/**
 * The machine's network settings a fresh user still has (CA certificates, proxies, an npm
 * registry mirror), from this process's environment: a test that clears the environment to be a
 * new user keeps them, or a first download behind a TLS-inspecting proxy fails for a reason that
 * is not dfrobust's.
 */
export function networkEnv(): Record<string, string> {
  const names = [
    "DENO_TLS_CA_STORE",
    "DENO_CERT",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "NODE_EXTRA_CA_CERTS",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "no_proxy",
    "NPM_CONFIG_REGISTRY",
  ];
  const env: Record<string, string> = {};
  for (const name of names) {
    const value = Deno.env.get(name);
    if (value !== undefined) env[name] = value;
  }
  return env;
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

/**
 * A user's notebook on the "dfrobust (Deno)" kernel: one import line of mod.ts, the store from
 * `DFROBUST_STORE` (default `store`), a table and a chart, all through show().
 */
export function userNotebook(): unknown {
  const code = (source: string) => ({
    cell_type: "code",
    execution_count: null,
    metadata: {},
    outputs: [],
    source,
  });
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: KERNEL_NAME, display_name: "dfrobust (Deno)", language: "typescript" },
      language_info: { name: "typescript" },
    },
    cells: [
      code(
        `import { aucByOperationChart, loadReportData, show, tableHtml, tableMarkdown, tableOne } ` +
          `from "${join(REPO, "mod.ts")}";\n` +
          `const data = await loadReportData(Deno.env.get("DFROBUST_STORE") ?? "store");\n` +
          `await show(\`\${data.cells.length} AUC cells\`);`,
      ),
      code(
        `const table = tableOne(data.cells);\n` +
          `await show({ markdown: tableMarkdown(table), html: tableHtml(table) });`,
      ),
      code(`await show(aucByOperationChart(data.cells));`),
    ],
  };
}
