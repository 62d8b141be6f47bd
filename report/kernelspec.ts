/**
 * The Jupyter kernelspec of the notebooks: the repo's `jupyter/kernels/dfrobust-deno/kernel.json`
 * (argv, display name, language, environment) with its `deno` replaced by the absolute path of
 * the Deno binary running now, so a kernel started from any folder, with no `deno` on PATH,
 * runs the Deno that installed it. Written into a temporary JUPYTER_PATH by the `notebooks`
 * task (report/notebook_run.ts) and into the user's Jupyter data folder by `kernel install`
 * (tasks/kernel.ts).
 * @module
 */
import { join } from "node:path";

/** The kernel name notebooks must use in `metadata.kernelspec.name`. */
export const KERNEL_NAME = "dfrobust-deno";

const KERNELSPEC = new URL(`../jupyter/kernels/${KERNEL_NAME}/kernel.json`, import.meta.url);

/** A kernelspec (`kernel.json`): the fields this project writes. */
export interface Kernelspec {
  argv: string[];
  display_name: string;
  language: string;
  env?: Record<string, string>;
}

/**
 * The repo's kernelspec with `argv[0]` set to `deno` (an absolute path; default: this process's
 * Deno binary, `Deno.execPath()`). Throws `Error` when the repo's kernel.json cannot be read.
 */
export async function kernelspecFor(deno: string = Deno.execPath()): Promise<Kernelspec> {
  const spec = JSON.parse(await Deno.readTextFile(KERNELSPEC)) as Kernelspec;
  spec.argv[0] = deno;
  return spec;
}

/**
 * Writes {@link kernelspecFor}'s kernelspec as `<jupyterDataDir>/kernels/dfrobust-deno/kernel.json`
 * (folders created; a kernelspec already there is replaced) and returns that file's path.
 * Throws `Error` (Deno's, naming the path) when the folder cannot be written.
 */
export async function writeKernelspec(
  jupyterDataDir: string,
  deno: string = Deno.execPath(),
): Promise<string> {
  const dir = join(jupyterDataDir, "kernels", KERNEL_NAME);
  await Deno.mkdir(dir, { recursive: true });
  const file = join(dir, "kernel.json");
  await Deno.writeTextFile(file, JSON.stringify(await kernelspecFor(deno), null, 2) + "\n");
  return file;
}

/**
 * The folder where Jupyter looks for a user's kernels, as jupyter_core's `jupyter_data_dir()`:
 * `$JUPYTER_DATA_DIR`, else `~/Library/Jupyter` on macOS, `%APPDATA%\jupyter` on Windows, else
 * `$XDG_DATA_HOME/jupyter`, else `~/.local/share/jupyter`. Throws `Error` when neither the
 * variable nor a home folder is known.
 */
export function jupyterDataDir(): string {
  const env = (name: string) => Deno.env.get(name) || undefined;
  const given = env("JUPYTER_DATA_DIR");
  if (given) return given;
  if (Deno.build.os === "windows" && env("APPDATA")) return join(env("APPDATA")!, "jupyter");
  const home = env("HOME") ?? env("USERPROFILE");
  if (Deno.build.os === "darwin" && home) return join(home, "Library", "Jupyter");
  if (env("XDG_DATA_HOME")) return join(env("XDG_DATA_HOME")!, "jupyter");
  if (home) return join(home, ".local", "share", "jupyter");
  throw new Error("Cannot find Jupyter's data folder: set HOME or JUPYTER_DATA_DIR");
}
