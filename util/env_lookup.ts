/**
 * Reading an environment variable through a function a caller can replace: code that reads one
 * (the cache folder, the face model) takes an {@link EnvLookup}, and a test passes its own instead
 * of changing the process's environment, which parallel test files share (docs/testing.md).
 * @module
 */

/** Reads one environment variable; undefined when unset, empty or not allowed. */
export type EnvLookup = (name: string) => string | undefined;

/**
 * This process's environment: the variable's value; undefined when it is unset, empty, or the
 * process may not read it (no `--allow-env` for it).
 */
export function processEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined;
  }
}
