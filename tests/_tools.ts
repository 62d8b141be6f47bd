/**
 * Which optional system tools the test machine has, and the rule for suites that need them:
 * skipped loudly when missing, except under CI (`CI=true`) where a missing tool fails the run.
 * The third-party fixtures follow the same rule (tests/_fixtures.ts).
 * @module
 */
import { type BackendChoice, type Ffmpeg, openFfmpeg } from "../media/ffmpeg.ts";
import { taskFlagsFor } from "../util/task_table.ts";
import { commandOnPath } from "../util/command_on_path.ts";

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
export type Tool =
  | "ffmpeg"
  | "jupyter"
  | "python-sklearn"
  | "python-statsmodels"
  | "python-pil"
  | "python-skimage"
  | "chromium"
  | "slurm";

const reported = new Set<string>();

/**
 * Returns the `ignore` value for a suite that needs `tool`: false when present; when missing,
 * see {@link skipSuite}.
 */
export function skipWithout(
  tool: Tool,
  suite: string,
): boolean {
  if (toolPresent(tool)) return false;
  return skipSuite(
    suite,
    tool === "slurm"
      ? `needs ${describe(tool)}`
      : `needs ${describe(tool)}, which is not installed`,
  );
}

/**
 * The rule for a suite whose need is missing (`reason` says what it needs and how to get it):
 * under CI (`CI=true`) it throws, since nothing may be skipped there; otherwise it prints one
 * loud `SKIPPED SUITE <suite>: <reason>.` line on stderr per suite and returns true (the
 * `ignore` value).
 */
export function skipSuite(suite: string, reason: string): boolean {
  const message = `${suite}: ${reason}`;
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
      ? commandOnPath("ffmpeg") === true && commandOnPath("ffprobe") === true
      : tool === "jupyter"
      ? hasCommand("jupyter", "--version") && hasCommand("/usr/bin/python3", "--version")
      : tool === "python-sklearn"
      ? pythonImports("sklearn")
      : tool === "python-statsmodels"
      ? pythonImports("statsmodels, sklearn")
      : tool === "python-pil"
      ? pythonImports("PIL, numpy")
      : tool === "python-skimage"
      ? pythonImports("skimage, numpy")
      : tool === "slurm"
      ? slurmAnswers()
      : hasCommand("chromium", "--version");
    cache.set(tool, present);
  }
  return cache.get(tool)!;
}

/** True when `sinfo` answers with a node that can run jobs (idle, mixed or allocated). */
function slurmAnswers(): boolean {
  try {
    const out = new Deno.Command("sinfo", { args: ["-h", "-o", "%T"], stderr: "null" })
      .outputSync();
    return out.success && /^(idle|mix|alloc)/m.test(new TextDecoder().decode(out.stdout));
  } catch {
    return false;
  }
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
    "python-statsmodels": "statsmodels and scikit-learn (Debian packages python3-statsmodels, " +
      "python3-sklearn)",
    "python-pil": "Pillow and numpy (Debian packages python3-pil, python3-numpy)",
    "python-skimage": "scikit-image and numpy (Debian packages python3-skimage, python3-numpy)",
    chromium: "Chromium (Debian package chromium)",
    slurm: "a running Slurm cluster, and sinfo shows no usable node (Debian slurmctld, slurmd, " +
      "slurm-client, munge; then .ci/slurm.sh start)",
  }[tool] ?? tool;
}

const ROOT = new URL("../", import.meta.url).pathname;

/** Options for {@link runDenoTask}. */
export interface RunDenoTaskOptions {
  /** Extra environment variables (on top of the inherited ones, `DFROBUST_QUIET=1`, `NO_COLOR=1`). */
  env?: Record<string, string>;
  /** Working directory. Default: the repository root (where `deno task` runs). */
  cwd?: string;
}

/** What a task run printed, decoded, and its exit code. */
export interface TaskOutput {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a task file (`tasks/report.ts`, relative to the repository root) in a `deno run`
 * subprocess the way `deno task` does: with the permission flags of the deno.json task that runs
 * it, read from deno.json so the tests cannot drift from it. Throws when no task runs the file.
 */
export async function runDenoTask(
  taskFile: string,
  args: readonly string[],
  options: RunDenoTaskOptions = {},
): Promise<TaskOutput> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...taskPermissions(taskFile), ROOT + taskFile, ...args],
    cwd: options.cwd ?? ROOT,
    // As `deno task` typed in that folder (an INIT_CWD inherited from `deno task test` is not).
    env: { DFROBUST_QUIET: "1", NO_COLOR: "1", INIT_CWD: options.cwd ?? ROOT, ...options.env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

/**
 * Starts a task file like {@link runDenoTask} but returns the running child (stdout and stderr
 * piped), for tests that stop a run midway.
 */
export function spawnDenoTask(
  taskFile: string,
  args: readonly string[],
  options: RunDenoTaskOptions = {},
): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", ...taskPermissions(taskFile), ROOT + taskFile, ...args],
    cwd: options.cwd ?? ROOT,
    // As `deno task` typed in that folder (an INIT_CWD inherited from `deno task test` is not).
    env: { DFROBUST_QUIET: "1", NO_COLOR: "1", INIT_CWD: options.cwd ?? ROOT, ...options.env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

// The `--allow-*` flags of the deno.json task whose command is `deno run <flags> <taskFile>`.
function taskPermissions(taskFile: string): string[] {
  return taskFlagsFor(taskFile);
}

/** Opens an ffmpeg backend for one test, runs `fn` with it and closes it, also when `fn` throws. */
export async function withFfmpeg<T>(
  backend: BackendChoice,
  fn: (ffmpeg: Ffmpeg) => Promise<T>,
): Promise<T> {
  const ffmpeg = await openFfmpeg(backend);
  try {
    return await fn(ffmpeg);
  } finally {
    await ffmpeg.close();
  }
}

/** The DOM Chromium builds from a local HTML page once its scripts have run (offline). */
export async function chromiumDom(page: string): Promise<string> {
  const profile = await Deno.makeTempDir({ prefix: "dfrobust-chromium-" });
  try {
    const out = await new Deno.Command("chromium", {
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        `--user-data-dir=${profile}`,
        "--virtual-time-budget=5000",
        "--dump-dom",
        `file://${page}`,
      ],
      stdout: "piped",
      stderr: "null",
    }).output();
    return new TextDecoder().decode(out.stdout);
  } finally {
    await Deno.remove(profile, { recursive: true });
  }
}

/** Options of {@link runJson}. */
export interface RunJsonOptions {
  /** Working folder of the child; default this process's. */
  cwd?: string;
}

/**
 * Runs `command` with `args`, writes `input` as JSON to its stdin and returns what it printed on
 * stdout, parsed as JSON (an oracle script, a child test script). Throws `Error` starting with
 * `what` and holding the child's stderr when it exits non-zero.
 */
export async function runJson<T>(
  what: string,
  command: string,
  args: readonly string[],
  input: unknown,
  options: RunJsonOptions = {},
): Promise<T> {
  const child = new Deno.Command(command, {
    args: [...args],
    cwd: options.cwd,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(JSON.stringify(input)));
  await writer.close();
  const { success, stdout, stderr } = await child.output();
  if (!success) throw new Error(`${what} failed: ${new TextDecoder().decode(stderr)}`);
  return JSON.parse(new TextDecoder().decode(stdout));
}
