/**
 * Whether a command is an executable file on PATH, found the way a shell finds it (each PATH
 * folder in order, a regular file with an execute bit), without starting it. Starting ffmpeg or
 * ffprobe only to see that it runs costs about 0.09 s of CPU on Debian's build (some 200 shared
 * libraries to link: docs/testing.md); a lookup costs a few `stat` calls.
 * @module
 */
import { isAbsolute, join } from "node:path";

/**
 * True when an executable regular file named `command` is in a folder of `path` (default: the
 * PATH environment variable); false when none is; null when this process may not tell (no
 * permission to read PATH or a folder of it: asked without a prompt). Only absolute folders are
 * searched.
 */
export function commandOnPath(command: string, path?: string): boolean | null {
  if (path === undefined) {
    if (Deno.permissions.querySync({ name: "env", variable: "PATH" }).state !== "granted") {
      return null;
    }
    path = Deno.env.get("PATH") ?? "";
  }
  for (const dir of path.split(":")) {
    if (!isAbsolute(dir)) continue;
    const file = join(dir, command);
    if (Deno.permissions.querySync({ name: "read", path: file }).state !== "granted") return null;
    try {
      const info = Deno.statSync(file);
      if (info.isFile && ((info.mode ?? 0) & 0o111) !== 0) return true;
    } catch {
      // Not in this folder.
    }
  }
  return false;
}
