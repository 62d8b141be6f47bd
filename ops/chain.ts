/**
 * Chains: user composites of catalog instances applied in order as ONE filter graph and one
 * encode, e.g. a "social media" chain `res_half+vintage+h264_crf40`. Geometry composes step by
 * step, each step with its real output size.
 * A compression step may only come last (it is the final encode; a mid-chain encode would need
 * a second generation, which a chain does not model).
 * @module
 */
import { OptionError } from "../util/option_error.ts";
import { ALL_OP_IDS, getOperation } from "./catalog.ts";
import { composeFrameGeometry, type Geometry, identityFrameGeometry } from "./geometry.ts";
import type { OpInstance, OpParams } from "./operation.ts";
import type { SourceTiming } from "./time_map.ts";
import { readJsonFile } from "../util/json_file.ts";
import { checkKeys, type KeySet } from "../util/strict_keys.ts";

/** A chain as written by a user: a name and the instance ids applied in order. */
export interface ChainSpec {
  /** Becomes the op id of the copy: lowercase letters, digits and `_`, not a catalog id. */
  name: string;
  /** Catalog instance ids, applied first to last. */
  ops: string[];
}

/** The keys of a chain spec file; any other is an error (a misspelling). */
export const CHAIN_SPEC_KEYS: KeySet<ChainSpec> = { name: true, ops: true };

/**
 * Thrown for a malformed chain (`--ops chain:...` or the spec file it names); the message says
 * what to fix. An {@link OptionError}: exit 2 in a task.
 */
export class ChainError extends OptionError {
  override name = "ChainError";
}

/**
 * Composes nominal geometries: `first` applied, then `second` (flips toggle, scales multiply).
 * Nominal only: a chain's exact mapping for a given source size is its `frameGeometry`.
 */
export function composeGeometry(first: Geometry, second: Geometry): Geometry {
  return {
    hflip: first.hflip !== second.hflip,
    vflip: first.vflip !== second.vflip,
    scale: first.scale * second.scale,
  };
}

/**
 * What is wrong with `name` as the op id of a user's operation (a chain, a platform record), or
 * null: it must be lowercase letters, digits and `_`, starting with a letter or digit, and not an
 * id of the catalog or a set (`paper`, `all`). The text starts with the quoted name.
 */
export function userOpNameProblem(name: unknown): string | null {
  if (typeof name !== "string" || !/^[a-z0-9][a-z0-9_]*$/.test(name)) {
    return `${JSON.stringify(name)} must be lowercase letters, digits and "_" (it becomes the ` +
      `op id)`;
  }
  if (ALL_OP_IDS.includes(name) || name === "paper" || name === "all") {
    return `"${name}" is taken by the catalog; choose another`;
  }
  return null;
}

/**
 * Resolves a chain into one instance (family `chain`, category `chain`).
 * Throws {@link ChainError} for a bad name, an empty chain, `unaltered` in a chain or a
 * compression step that is not last, and `UnknownOperationError` for an unknown id.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { chainInstance } from "./chain.ts";
 * const social = chainInstance({ name: "social", ops: ["res_half", "hflip", "h264_crf40"] });
 * assert.equal(social.crf, 40);
 * assert.deepEqual(social.geometry, { hflip: true, vflip: false, scale: 0.5 });
 * ```
 */
export function chainInstance(spec: ChainSpec): OpInstance {
  const nameProblem = userOpNameProblem(spec.name);
  if (nameProblem !== null) throw new ChainError(`Chain name ${nameProblem}`);
  if (!Array.isArray(spec.ops) || spec.ops.length === 0) {
    throw new ChainError(`Chain "${spec.name}" has no operations`);
  }
  const steps = spec.ops.map((id) => getOperation(id));
  steps.forEach((step, i) => {
    if (step.category === "unaltered") {
      throw new ChainError(`Chain "${spec.name}": "unaltered" cannot be a step`);
    }
    if ((step.crf !== undefined || step.encoder) && i !== steps.length - 1) {
      throw new ChainError(
        `Chain "${spec.name}": compression step "${step.id}" must be last (it is the encode)`,
      );
    }
  });
  const timed = steps.filter((s) => s.time);
  if (timed.length > 1) {
    // One pattern per copy keeps its time map one rule (ops/time_map.ts).
    throw new ChainError(
      `Chain "${spec.name}": at most one time step (${timed.map((s) => s.id).join(", ")})`,
    );
  }
  const filters = steps.map((s) => s.filter).filter((f): f is string => f !== null);
  const last = steps[steps.length - 1];
  return {
    id: spec.name,
    family: "chain",
    category: "chain",
    severity: null,
    params: { steps: steps.map((s) => ({ id: s.id, params: s.params as OpParams })) },
    filter: filters.length > 0 ? filters.join(",") : null,
    ...(last.crf !== undefined ? { crf: last.crf } : {}),
    ...(last.encoder ? { encoder: last.encoder } : {}),
    ...(steps.some((s) => s.filterFor) ? { filterFor: chainFilterFor(steps) } : {}),
    ...(timed.length === 1 ? { time: timed[0].time } : {}),
    paper: false,
    label: spec.name,
    geometry: steps.reduce((g, s) => composeGeometry(g, s.geometry), {
      hflip: false,
      vflip: false,
      scale: 1,
    } as Geometry),
    description: `Chain ${steps.map((s) => s.id).join(" -> ")}`,
    expectedSize: (width, height) =>
      steps.reduce((size, s) => s.expectedSize(size.width, size.height), { width, height }),
    // Each step maps from the real size the previous step produced (a nominal scale of 1/2 on
    // 330 columns gives 164, and a flip after it mirrors about 164, not 165).
    frameGeometry: (width, height) =>
      steps.reduce(
        (g, s) => composeFrameGeometry(g, s.frameGeometry(g.width, g.height)),
        identityFrameGeometry(width, height),
      ),
  };
}

/**
 * A chain's filter for a `width x height` input: each step's, at the size the previous made, with
 * the source's timing for a time step.
 */
function chainFilterFor(
  steps: readonly OpInstance[],
): (width: number, height: number, timing?: SourceTiming) => string | null {
  return (width, height, timing) => {
    const parts: string[] = [];
    let size = { width, height };
    for (const step of steps) {
      // Only a time step changes the frame count, and a chain has at most one: every step gets
      // the source's timing.
      const filter = step.filterFor ? step.filterFor(size.width, size.height, timing) : step.filter;
      if (filter !== null) parts.push(filter);
      size = step.expectedSize(size.width, size.height);
    }
    return parts.length > 0 ? parts.join(",") : null;
  };
}

/**
 * Parses the text after `chain:` in `--ops`: either inline `name=id+id+...` or the path of a
 * JSON file `{"name": "...", "ops": ["...", ...]}` (read by `readJsonFile`: a UTF-8 byte-order
 * mark is skipped; no other keys allowed). Throws {@link ChainError} on bad input, naming the
 * file and, for an unknown key, the nearest valid one.
 */
export async function parseChainSpec(text: string): Promise<ChainSpec> {
  const eq = text.indexOf("=");
  if (eq > 0) {
    return {
      name: text.slice(0, eq),
      ops: text.slice(eq + 1).split("+").map((s) => s.trim()).filter((s) => s !== ""),
    };
  }
  const expected = `(expected name=id+id or a JSON file {"name": ..., "ops": [...]})`;
  const json = await readJsonFile(text, {
    what: "chain spec",
    error: (message) => new ChainError(`${message} ${expected}`),
  });
  if (json !== null && typeof json === "object" && !Array.isArray(json)) {
    checkKeys(json as Record<string, unknown>, CHAIN_SPEC_KEYS, {
      what: "chain spec",
      source: text,
      path: "",
      error: (message) => new ChainError(message),
    });
  }
  const spec = json as Partial<ChainSpec>;
  if (
    typeof spec?.name !== "string" || !Array.isArray(spec.ops) ||
    !spec.ops.every((o) => typeof o === "string")
  ) {
    throw new ChainError(
      `Chain spec "${text}" must be {"name": string, "ops": [string, ...]}`,
    );
  }
  return { name: spec.name, ops: spec.ops };
}
