/**
 * The severity axis of an operation family, for charts of a metric against severity: each
 * ladder level's value in the family's own unit (CRF, scale factor, noise strength) instead of
 * the bare ladder level, from the family record's `unit`, else from the one parameter that
 * varies along its ladder (so a new family gets an axis without any edit here), else the level.
 * @module
 */
import { findFamily } from "./catalog.ts";
import type { OpFamily } from "./operation.ts";

/** A family's severity axis. */
export interface SeverityScale {
  /** Axis title with unit (`CRF (libx264 constant rate factor)`, `Ladder level`). */
  title: string;
  /** Each level's value on the axis, by instance id. */
  values: Map<string, number>;
  /** True when the value falls as the level rises (bitrate): draw the axis reversed. */
  reversed: boolean;
}

/**
 * The severity axis of the family `familyId`; for an id the catalog does not know (a chain, a
 * newer catalog), the ladder level (`values` empty: the caller keeps the level).
 */
export function severityScale(familyId: string): SeverityScale {
  const family = findFamily(familyId);
  if (family === undefined) return { title: "Ladder level", values: new Map(), reversed: false };
  const axis = family.unit ?? derivedUnit(family);
  const values = new Map(
    family.levels.map((l) => [l.id, axis ? axis.value(l.params) : l.severity]),
  );
  const ordered = family.levels.map((l) => values.get(l.id)!);
  return {
    title: axis?.title ?? "Ladder level",
    values,
    reversed: ordered.length > 1 && ordered[ordered.length - 1] < ordered[0],
  };
}

// The one numeric parameter that varies along the ladder, titled by its name; null if none or
// several vary.
function derivedUnit(family: OpFamily): OpFamily["unit"] | null {
  const keys = Object.keys(family.levels[0]?.params ?? {}).filter((k) =>
    family.levels.every((l) => typeof l.params[k] === "number") &&
    new Set(family.levels.map((l) => l.params[k])).size > 1
  );
  if (keys.length !== 1) return null;
  const key = keys[0];
  return { title: key, value: (p) => p[key] as number };
}
