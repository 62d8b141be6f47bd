/**
 * The short column name of a ladder level (Table I headers, slice and comparison tables): the
 * paper's own (`CRF 40`, `1/2`, `Lighten`) for its levels, else one read off the record: the
 * parameters that vary along the family's ladder in words (`CRF 33`, `1/3`, `2000 kbit/s`,
 * `1/2 frames`, `hold 6`, `window 4`), after the family's name where that is needed to tell it
 * from the rest of its category (`H265 CRF 33`, `Lighten y 0.45`); a one-level family is named by
 * its `name` or id (`YouTube-like`, `Platform fb`). A new record gets a label with no edit here.
 * @module
 */
import type { OpFamily, OpLevel, OpParams } from "./operation.ts";

// Parameters in words, by key; keys not listed read `key value` (or the bare value when the
// key is the family's own name: `gamma 1.2` in family `gamma` reads `Gamma 1.2`).
const PARAM_WORDS: Readonly<Record<string, (value: number | string) => string>> = {
  crf: (v) => `CRF ${v}`,
  q: (v) => `Q ${v}`,
  kbps: (v) => `${v} kbit/s`,
  shortSide: (v) => `${v}p`,
};

// Pairs read as one fraction: `numerator`/`denominator` -> `1/2`, `keep`/`of` -> `1/2 frames`.
const PAIRS: readonly { top: string; bottom: string; unit: string }[] = [
  { top: "numerator", bottom: "denominator", unit: "" },
  { top: "keep", bottom: "of", unit: " frames" },
];

/**
 * The column name of `level` of `family`: its paper label when it has one, else a short name
 * derived from the record as the module doc says; never the bare id of a catalog level, never
 * throws.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findFamily } from "./catalog.ts";
 * import { levelLabel } from "./level_label.ts";
 * const h264 = findFamily("h264")!;
 * assert.equal(levelLabel(h264, h264.levels[2]), "CRF 33");
 * ```
 */
export function levelLabel(family: OpFamily, level: OpLevel): string {
  if (level.label !== undefined) return level.label;
  const keys = varyingKeys(family);
  const name = familyName(family);
  if (keys.length === 0) return name;
  const value = paramWords(level.params, keys, family.id);
  // A family whose paper level is named by its value alone (`CRF 23`, `1/2`) names its other
  // levels the same way; any other family puts its name first.
  const paper = family.levels.find((l) => l.label !== undefined);
  const bare = paper !== undefined && paper.label === paramWords(paper.params, keys, family.id);
  return bare ? value : `${name} ${value}`;
}

// The family's display name: `name` when the record gives one, else its id (`h265` -> `H265`,
// `freeze` -> `Freeze`, `platform_fb` -> `Platform fb`).
function familyName(family: OpFamily): string {
  if (family.name) return family.name;
  const words = family.id.replaceAll("_", " ");
  return /\d/.test(family.id)
    ? words.toUpperCase()
    : words.charAt(0).toUpperCase() + words.slice(1);
}

// Parameters whose value differs between the family's levels, in record order.
function varyingKeys(family: OpFamily): string[] {
  const first = family.levels[0]?.params ?? {};
  return Object.keys(first).filter((k) =>
    new Set(family.levels.map((l) => String(l.params[k]))).size > 1
  );
}

function paramWords(params: OpParams, keys: readonly string[], familyId: string): string {
  const words: string[] = [];
  const done = new Set<string>();
  for (const pair of PAIRS) {
    if (keys.includes(pair.top) || keys.includes(pair.bottom)) {
      if (params[pair.top] === undefined || params[pair.bottom] === undefined) continue;
      words.push(`${params[pair.top]}/${params[pair.bottom]}${pair.unit}`);
      done.add(pair.top).add(pair.bottom);
    }
  }
  for (const key of keys) {
    if (done.has(key) || params[key] === undefined) continue;
    const value = params[key];
    const say = PARAM_WORDS[key];
    words.push(say ? say(value) : key === familyId ? String(value) : `${key} ${value}`);
  }
  return words.join(", ");
}
