/**
 * Which optional system tools the test machine has, and the rule for suites that need them:
 * skipped loudly when missing, except under CI (`CI=true`) where a missing tool fails the run.
 * @module
 */

/** True when `command` runs (`command -version` or `--version` exits 0). */
export function hasCommand(command: string, versionFlag = "-version"): boolean {
  try {
    return new Deno.Command(command, { args: [versionFlag], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

/** Optional system tools a suite may need. */
export type Tool = "ffmpeg" | "jupyter" | "python-sklearn" | "python-pil" | "chromium";

const reported = new Set<string>();

/**
 * Returns the `ignore` value for a suite that needs `tool`: false when present; when missing,
 * throws under CI, else prints one loud SKIP line per suite and returns true.
 */
export function skipWithout(
  tool: Tool,
  suite: string,
): boolean {
  if (toolPresent(tool)) return false;
  const message = `${suite}: needs ${describe(tool)}, which is not installed`;
  if (Deno.env.get("CI") === "true") {
    throw new Error(`${message} (CI=true: nothing may be skipped)`);
  }
  if (!reported.has(suite)) {
    reported.add(suite);
    console.error(`SKIPPED SUITE ${message}.`);
  }
  return true;
}

const cache = new Map<string, boolean>();

function toolPresent(tool: string): boolean {
  if (!cache.has(tool)) {
    const present = tool === "ffmpeg"
      ? hasCommand("ffmpeg") && hasCommand("ffprobe")
      : tool === "jupyter"
      ? hasCommand("jupyter", "--version") && hasCommand("/usr/bin/python3", "--version")
      : tool === "python-sklearn"
      ? pythonImports("sklearn")
      : tool === "python-pil"
      ? pythonImports("PIL, numpy")
      : hasCommand("chromium", "--version");
    cache.set(tool, present);
  }
  return cache.get(tool)!;
}

function pythonImports(module: string): boolean {
  try {
    return new Deno.Command("/usr/bin/python3", {
      args: ["-c", `import ${module}`],
      stdout: "null",
      stderr: "null",
    }).outputSync().success;
  } catch {
    return false;
  }
}

function describe(tool: string): string {
  return {
    ffmpeg: "native ffmpeg/ffprobe (Debian package ffmpeg)",
    jupyter: "Jupyter (Debian packages jupyter-nbconvert, python3-nbclient, jupyter-client)",
    "python-sklearn": "scikit-learn (Debian package python3-sklearn)",
    "python-pil": "Pillow and numpy (Debian packages python3-pil, python3-numpy)",
    chromium: "Chromium (Debian package chromium)",
  }[tool] ?? tool;
}

/** The shared read-only fixtures folder (`../shared/fixtures` beside the repo). */
export const FIXTURES = new URL("../../shared/fixtures/", import.meta.url).pathname;
