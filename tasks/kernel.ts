/**
 * `deno task kernel install` (`dfrobust kernel install`): write the notebooks' Jupyter
 * kernelspec (report/kernelspec.ts) into the user's Jupyter data folder, naming the Deno binary
 * that runs this task, so notebooks in any folder run on the "dfrobust (Deno)" kernel with no
 * `deno` on PATH and no JUPYTER_PATH.
 *
 * Exit status: 0 when written; 1 when the folder cannot be written; 2 for a usage error.
 * @module
 */
import { join, resolve } from "node:path";
import { installRoot, keepDenoBinary } from "./_deno_binary.ts";
import { didYouMeanSuffix } from "../util/did_you_mean.ts";
import { jupyterDataDir, KERNEL_NAME, writeKernelspec } from "../report/kernelspec.ts";
import { type CommandSpec, requirePositional, runTask, UsageError } from "../util/cli.ts";

const SPEC: CommandSpec = {
  name: "kernel",
  summary: `Install the notebooks' Jupyter kernel ("${KERNEL_NAME}", shown as "dfrobust ` +
    `(Deno)"): its kernelspec runs, by absolute path, this Deno binary kept in the install ` +
    `root as ~/.deno/bin/deno-${Deno.version.deno} ($DENO_INSTALL_ROOT/bin if set), safe from ` +
    "npm cache clearing. Run it again after upgrading Deno.",
  positionals: "install",
  flags: {
    dir: {
      type: "string",
      description: "Jupyter data folder to write kernels/" + KERNEL_NAME + "/kernel.json into " +
        "(default: $JUPYTER_DATA_DIR, else Jupyter's user folder, ~/.local/share/jupyter on Linux).",
      valueName: "<dir>",
    },
  },
  epilog:
    "Example: dfrobust kernel install && jupyter nbconvert --to notebook --execute mine.ipynb",
};

if (import.meta.main) {
  await runTask(SPEC, async (parsed) => {
    const action = requirePositional(parsed, SPEC, "an action");
    if (action !== "install") {
      throw new UsageError(
        `unknown action "${action}" (the one action is: install)` +
          didYouMeanSuffix(action, ["install"]),
      );
    }
    const dir = typeof parsed.values.dir === "string" ? parsed.values.dir : jupyterDataDir();
    // The kernel runs the Deno kept in the install root (as the launcher does), not the npx
    // cache's binary, which npm may clear.
    const deno = await keepDenoBinary(join(installRoot(), "bin"));
    const file = await writeKernelspec(resolve(dir), deno);
    console.error(`kernel "${KERNEL_NAME}" runs ${deno}`);
    console.log(file);
  });
}
