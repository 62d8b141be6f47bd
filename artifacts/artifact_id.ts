/**
 * Content addresses of distorted copies: a hash of everything that decides the copy's bytes,
 * computable before anything runs, so a rerun finds its finished work by name.
 * @module
 */
import type { FfmpegBuild } from "../media/ffmpeg.ts";
import type { OpInstance } from "../ops/operation.ts";
import type { EncodeProfile } from "../ops/profile.ts";
import { stableHash } from "../util/hash.ts";
import { compareIds } from "../util/compare.ts";

/** One source video as it enters the address. */
export interface SourceFingerprint {
  id: string;
  /** SHA-256 of the file; null when it could not be read (the failure is part of the copy). */
  sha256: string | null;
  label: 0 | 1;
  method?: string;
  split?: string;
}

/** Everything a copy's id depends on. */
export interface ArtifactIdInput {
  sources: readonly SourceFingerprint[];
  op: OpInstance;
  profile: EncodeProfile;
  /** The ffmpeg build; ignored for the `source` profile (no encode happens). */
  build: FfmpegBuild | null;
  catalogVersion: string;
}

/** Hex digits of the hash kept in the id (64 bits: collisions are not a practical concern). */
const ID_LENGTH = 16;

/**
 * The copy's id: 16 hex digits of `stableHash` over the sources (id, sha256, label, method,
 * split; sorted by id), the op (id, family, params, filter, CRF, encoder, geometry), the profile, the
 * ffmpeg and libx264 versions and backend kind (encoded copies only) and the catalog version.
 * Labels are included so a relabelled dataset never reuses a copy with a stale dataset.csv.
 */
export function artifactId(input: ArtifactIdInput): string {
  const sources = [...input.sources].sort((a, b) => compareIds(a.id, b.id))
    .map((s) => ({ id: s.id, sha256: s.sha256, label: s.label, method: s.method, split: s.split }));
  const op = input.op;
  const encoded = input.profile !== "source";
  return stableHash({
    sources,
    op: {
      id: op.id,
      family: op.family,
      params: op.params,
      filter: op.filter,
      crf: op.crf,
      // Absent (so not hashed) for libx264 CRF and filter operations: their ids are unchanged.
      encoder: op.encoder,
      geometry: op.geometry,
    },
    profile: input.profile,
    build: encoded && input.build
      ? {
        backend: input.build.backend,
        ffmpeg: input.build.ffmpegVersion,
        libx264: input.build.libx264 ?? null,
      }
      : null,
    catalogVersion: input.catalogVersion,
  }).slice(0, ID_LENGTH);
}
