/**
 * Where a task's relative paths start: the caller's folder, never the clone's.
 *
 * `deno task` runs every task in the folder of deno.json (the clone) and says where it was typed
 * in `INIT_CWD`; the installed `dfrobust` command (tasks/dfrobust.ts) starts the task in the
 * caller's folder and sets `INIT_CWD` to it. {@link workFromCallerFolder} makes the task work
 * from `INIT_CWD`, so `--manifest data.csv` and a default output such as `report.html` mean the
 * caller's `data.csv` and `report.html`. It moves only when the task runs in the clone's root
 * (where `deno task` puts it): `INIT_CWD` is inherited by child processes, and a task a script
 * starts in some other folder keeps that folder.
 * @module
 */

/** The clone's root folder (the folder of deno.json), absolute, without a trailing slash. */
export const CLONE_ROOT: string = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

/** The environment variable `deno task` (and `npm run`) set to the folder the command was typed in. */
export const CALLER_FOLDER_VARIABLE = "INIT_CWD";

/**
 * Changes the working folder to `INIT_CWD` when it is set, names a folder other than the clone's
 * root, and this process runs in the clone's root. Returns the folder the task works from.
 * Throws `Error` naming `INIT_CWD` when that folder cannot be entered.
 */
export function workFromCallerFolder(): string {
  const caller = Deno.env.get(CALLER_FOLDER_VARIABLE);
  const here = Deno.cwd();
  if (caller === undefined || caller === "" || !sameFolder(here, CLONE_ROOT)) return here;
  if (sameFolder(caller, here)) return here;
  try {
    Deno.chdir(caller);
  } catch (error) {
    throw new Error(
      `Cannot work from the caller's folder "${caller}" (${CALLER_FOLDER_VARIABLE}): ` +
        (error as Error).message,
    );
  }
  return caller;
}

// True when both paths name one folder (links resolved; a path that cannot be read is not it).
function sameFolder(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    return Deno.realPathSync(a) === Deno.realPathSync(b);
  } catch {
    return false;
  }
}
