/**
 * The `--ops` / `--severity` language of `distort`: which operation instances to make copies for.
 *
 * - `paper`: `unaltered` plus the paper's 12 settings; `all`: every level of every family.
 * - an instance id (`h264_crf40`, `noise_s5`) or a family id (`h264`, `res`): a family id means
 *   its paper level(s) (its whole ladder for a family the paper does not use: `h265`, `blur`),
 *   or the levels picked by `--severity`.
 * - `chain:<name>=<id>+<id>+...` or `chain:<spec.json>`: one chain (see `ops/chain.ts`).
 * - `platform:<record.json>`: one user-measured platform record (see `ops/platform_record.ts`;
 *   `platform-fit` writes them).
 * Items are comma-separated; `--severity` (`1,3,5` or `all`) replaces, for every parametric
 * family named in `--ops` (by family id, instance id or a set), the levels with those levels.
 * @module
 */
import { OptionError } from "../util/option_error.ts";
import {
  ALL_OP_IDS,
  FAMILIES,
  familyOfInstance,
  findFamily,
  instanceOf,
  PAPER_OP_IDS,
  unknownOperationError,
} from "./catalog.ts";
import { chainInstance, parseChainSpec } from "./chain.ts";
import { platformInstance, readPlatformRecord } from "./platform_record.ts";
import type { OpInstance } from "./operation.ts";

/** Options for {@link selectOperations}. */
export interface SelectOperationsOptions {
  /** Ladder levels (1-based) or `all`; undefined keeps the levels named in the spec. */
  severity?: number[] | "all";
}

/**
 * Parses a `--severity` value (`1,3,5` or `all`). Throws an {@link OptionError} naming the value
 * on anything else.
 */
export function parseSeverity(text: string): number[] | "all" {
  if (text.trim() === "all") return "all";
  const levels = text.split(",").map((s) => Number(s.trim()));
  if (levels.length === 0 || levels.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new OptionError(`--severity must be "all" or levels like 1,3,5; got "${text}"`);
  }
  return levels;
}

/** Splits the `--ops` text at commas (chains join their steps with `+`, never commas). */
function splitItems(text: string): string[] {
  return text.split(",").map((s) => s.trim()).filter((s) => s !== "");
}

/**
 * Resolves an `--ops` spec to instances, de-duplicated, in catalog order with chains and
 * platform records last (in the order given). Throws `UnknownOperationError` (listing the valid
 * ids) for an unknown id, `ChainError` for a bad chain, `PlatformRecordError` for a bad platform
 * record file, and an `OptionError` when `--severity` names a level a family does not have or an
 * operation is asked for twice.
 */
export async function selectOperations(
  spec: string,
  options: SelectOperationsOptions = {},
): Promise<OpInstance[]> {
  const ids = new Set<string>();
  const families = new Set<string>();
  const chains: OpInstance[] = [];
  for (const item of splitItems(spec)) {
    if (item.startsWith("chain:")) {
      chains.push(chainInstance(await parseChainSpec(item.slice("chain:".length))));
    } else if (item.startsWith("platform:")) {
      const path = item.slice("platform:".length);
      chains.push(platformInstance(await readPlatformRecord(path), path));
    } else if (item === "paper" || item === "all") {
      for (const id of item === "paper" ? PAPER_OP_IDS : ALL_OP_IDS) ids.add(id);
    } else if (ALL_OP_IDS.includes(item)) {
      ids.add(item);
    } else if (findFamily(item)) {
      // A family the paper uses means its paper level(s); another family (h265, blur, ...)
      // has no paper level and means its whole ladder.
      const family = findFamily(item)!;
      const paperLevels = family.levels.filter((l) => l.paper);
      for (const level of paperLevels.length > 0 ? paperLevels : family.levels) ids.add(level.id);
      families.add(item);
    } else {
      throw unknownOperationError(item, " in --ops");
    }
  }
  for (const id of ids) families.add(familyOfInstance(id)!.id);
  const severity = options.severity;
  const out: OpInstance[] = [];
  for (const family of FAMILIES) {
    if (!families.has(family.id)) continue;
    const chosen = severity === undefined || !family.parametric
      ? family.levels.filter((l) => ids.has(l.id))
      : severity === "all"
      ? family.levels
      : severity.map((n) => {
        const level = family.levels.find((l) => l.severity === n);
        if (!level) {
          throw new OptionError(
            `--severity ${n}: family "${family.id}" has levels 1..${family.levels.length}`,
          );
        }
        return level;
      });
    for (const level of chosen) out.push(instanceOf(family, level));
  }
  const seen = new Set(out.map((o) => o.id));
  for (const chain of chains) {
    if (seen.has(chain.id)) throw new OptionError(`Operation "${chain.id}" is asked for twice`);
    seen.add(chain.id);
    out.push(chain);
  }
  return out;
}
