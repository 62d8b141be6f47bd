/**
 * The Deno binary the installed `dfrobust` command and the notebooks' kernel run: a copy of the
 * binary running now, kept in the install root's `bin/` as `deno-<version>` (e.g.
 * `~/.deno/bin/deno-2.9.6`). The README's route runs Deno from the npx cache
 * (`~/.npm/_npx/<hash>/node_modules/deno/deno`), which `npm cache clean` or a new npx hash
 * removes; a launcher or kernelspec naming that path would then break without a word.
 * @module
 */
import { basename, join } from "node:path";
import { type EnvLookup, processEnv } from "../util/env_lookup.ts";

/**
 * The install root `deno install -g` uses: `given`, else `$DENO_INSTALL_ROOT`, else `~/.deno`
 * (`env` reads the variables; default this process's environment). Throws `Error` when none is
 * given and no home folder is known.
 */
export function installRoot(given?: string, env: EnvLookup = processEnv): string {
  if (given) return given;
  const root = env("DENO_INSTALL_ROOT");
  if (root) return root;
  const home = env("HOME");
  if (!home) throw new Error("No install root: give --root or set DENO_INSTALL_ROOT or HOME");
  return join(home, ".deno");
}

/**
 * Puts the running Deno binary (`deno`, default `Deno.execPath()`) into `bin` as
 * `deno-<version>` and returns that path: a hard link where `bin` is on the same file system (no
 * space used; it outlives the npx cache's entry), else a copy; mode 0755; written under a
 * temporary name and renamed into place. When `deno` already is that file (the launcher runs
 * `kernel install`), it is returned as is. Throws Deno's error (naming the path) when `bin`
 * cannot be written.
 */
export async function keepDenoBinary(bin: string, deno: string = Deno.execPath()): Promise<string> {
  const kept = join(bin, `deno-${Deno.version.deno}`);
  if (deno === kept) return kept;
  await Deno.mkdir(bin, { recursive: true });
  const tmp = join(bin, `.${basename(kept)}.${Deno.pid}.tmp`);
  await Deno.remove(tmp).catch(() => {});
  try {
    await Deno.link(deno, tmp);
  } catch {
    await Deno.copyFile(deno, tmp);
  }
  await Deno.chmod(tmp, 0o755);
  await Deno.rename(tmp, kept);
  // Renaming a hard link onto another link of the same file leaves both names (POSIX).
  await Deno.remove(tmp).catch(() => {});
  return kept;
}
