/**
 * Pure frame synthesis for the generated demo dataset: a seeded PRNG, smooth noise fields, a
 * moving face-like subject over a textured background, and the self-blend that turns a real
 * frame into a "fake" one. Everything works on rgb24 `Uint8Array`s and is a deterministic
 * function of its seed (no `Math.random`, no clock), so a dataset can be regenerated bit for bit.
 * Internal to `demo/dataset.ts`.
 * @module
 */
import { seededRandom } from "../util/prng.ts";

/** A seeded PRNG ({@link seededRandom}, mulberry32): uniform floats in [0, 1). */
export type Rng = () => number;

/** Derives an independent 32-bit seed from a parent seed and a stream number (splitmix-like). */
export function _deriveSeed(seed: number, stream: number): number {
  let z = (Math.imul(seed >>> 0, 0x9e3779b1) + Math.imul(stream + 1, 0x85ebca6b)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x7feb352d) >>> 0;
  z = Math.imul(z ^ (z >>> 15), 0x846ca68b) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

function uniform(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng();
}

/** Standard normal by Box-Muller (one value per call; deterministic given the rng). */
function gaussian(rng: Rng): number {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/**
 * Smooth value noise in [-1, 1] roughly, `width` x `height`, as a sum of `octaves` bilinearly
 * interpolated random lattices, the coarsest with a cell of `cell` pixels.
 */
export function _valueNoise(
  rng: Rng,
  width: number,
  height: number,
  options: { cell: number; octaves: number; persistence?: number },
): Float32Array {
  const out = new Float32Array(width * height);
  let cell = options.cell;
  let amp = 1;
  let total = 0;
  for (let o = 0; o < options.octaves; o++) {
    const gw = Math.ceil(width / cell) + 2;
    const gh = Math.ceil(height / cell) + 2;
    const grid = new Float32Array(gw * gh);
    for (let i = 0; i < grid.length; i++) grid[i] = rng() * 2 - 1;
    for (let y = 0; y < height; y++) {
      const fy = y / cell;
      const y0 = Math.floor(fy);
      const ty = fy - y0;
      const sy = ty * ty * (3 - 2 * ty);
      for (let x = 0; x < width; x++) {
        const fx = x / cell;
        const x0 = Math.floor(fx);
        const tx = fx - x0;
        const sx = tx * tx * (3 - 2 * tx);
        const i = y0 * gw + x0;
        const top = grid[i] + (grid[i + 1] - grid[i]) * sx;
        const bottom = grid[i + gw] + (grid[i + gw + 1] - grid[i + gw]) * sx;
        out[y * width + x] += amp * (top + (bottom - top) * sy);
      }
    }
    total += amp;
    amp *= options.persistence ?? 0.5;
    cell = Math.max(1, cell / 2);
  }
  for (let i = 0; i < out.length; i++) out[i] /= total;
  return out;
}

/** Everything that defines one clip's footage; drawn once per clip from its seed. */
export interface ClipScene {
  width: number;
  height: number;
  frames: number;
  /** Background texture (rgb, float 0-255), larger than the frame by `margin` on each side. */
  background: Float32Array;
  bgWidth: number;
  margin: number;
  /** Face texture (rgb, float 0-255, `faceTex` x `faceTex`), in face-local coordinates. */
  face: Float32Array;
  faceTex: number;
  /** Per-frame pose: centre (px), half-axes (px), roll (rad), background offset, light. */
  poses: FramePose[];
  /** Sensor noise sigma in code values. */
  noiseSigma: number;
  /** Noise table, reused per frame at a frame-specific offset. */
  noise: Float32Array;
}

/** One frame's pose and lighting. */
export interface FramePose {
  cx: number;
  cy: number;
  /** Half-width and half-height of the face ellipse, pixels. */
  ax: number;
  ay: number;
  roll: number;
  bgX: number;
  bgY: number;
  /** Global gain (about 1) and per-channel tint. */
  gain: number;
  tint: [number, number, number];
  /** Horizontal light direction across the face, -1..1. */
  light: number;
  noiseOffset: number;
}

/** Options for {@link _makeScene}. */
export interface SceneOptions {
  width: number;
  height: number;
  frames: number;
}

const FACE_TEX = 96;
const NOISE_LEN = 1 << 18;

/**
 * Draws a clip's scene: a smooth-noise background with a colour gradient, a face-like subject
 * (skin texture, shading, eyes, brows, mouth) and slow pose, scale and lighting drift.
 */
export function _makeScene(seed: number, options: SceneOptions): ClipScene {
  const rng = seededRandom(seed);
  const { width, height, frames } = options;
  const margin = 24;
  const bgWidth = width + 2 * margin;
  const bgHeight = height + 2 * margin;
  const background = makeBackground(rng, bgWidth, bgHeight);
  const face = makeFace(rng, FACE_TEX);
  const base = Math.min(width, height);
  const ax0 = base * uniform(rng, 0.17, 0.24);
  const ay0 = ax0 * uniform(rng, 1.22, 1.38);
  const cx0 = width * uniform(rng, 0.4, 0.6);
  const cy0 = height * uniform(rng, 0.44, 0.56);
  const phases = Array.from({ length: 8 }, () => rng() * 2 * Math.PI);
  const speeds = Array.from({ length: 8 }, () => uniform(rng, 0.02, 0.09));
  const amp = { x: base * uniform(rng, 0.02, 0.07), y: base * uniform(rng, 0.015, 0.05) };
  const scaleAmp = uniform(rng, 0.03, 0.1);
  const rollAmp = uniform(rng, 0.03, 0.15);
  const gain0 = uniform(rng, 0.8, 1.15);
  const gainAmp = uniform(rng, 0.03, 0.12);
  const tint: [number, number, number] = [
    uniform(rng, 0.93, 1.07),
    uniform(rng, 0.95, 1.05),
    uniform(rng, 0.9, 1.1),
  ];
  const noiseSigma = uniform(rng, 0.8, 3);
  const noiseLen = Math.max(NOISE_LEN, 2 * width * height);
  const noise = new Float32Array(noiseLen);
  for (let i = 0; i < noiseLen; i++) noise[i] = gaussian(rng);
  const poses: FramePose[] = [];
  for (let f = 0; f < frames; f++) {
    const w = (k: number) => Math.sin(f * speeds[k] * 2 * Math.PI * 0.5 + phases[k]);
    const scale = 1 + scaleAmp * w(2);
    poses.push({
      cx: cx0 + amp.x * w(0),
      cy: cy0 + amp.y * w(1),
      ax: ax0 * scale,
      ay: ay0 * scale,
      roll: rollAmp * w(3),
      bgX: Math.round(margin + margin * 0.6 * w(4)),
      bgY: Math.round(margin + margin * 0.4 * w(5)),
      gain: gain0 * (1 + gainAmp * w(6)),
      tint,
      light: 0.6 * w(7),
      noiseOffset: Math.floor(rng() * (noiseLen - width * height)),
    });
  }
  return {
    width,
    height,
    frames,
    background,
    bgWidth,
    margin,
    face,
    faceTex: FACE_TEX,
    poses,
    noiseSigma,
    noise,
  };
}

function makeBackground(rng: Rng, width: number, height: number): Float32Array {
  const coarse = _valueNoise(rng, width, height, { cell: uniform(rng, 48, 96), octaves: 2 });
  const fine = _valueNoise(rng, width, height, { cell: uniform(rng, 4, 10), octaves: 3 });
  const c1 = [uniform(rng, 30, 200), uniform(rng, 30, 200), uniform(rng, 30, 200)];
  const c2 = [uniform(rng, 30, 200), uniform(rng, 30, 200), uniform(rng, 30, 200)];
  const angle = rng() * 2 * Math.PI;
  const gx = Math.cos(angle) / width;
  const gy = Math.sin(angle) / height;
  const detail = uniform(rng, 6, 22);
  const out = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const t = Math.min(1, Math.max(0, 0.5 + (x * gx + y * gy) + 0.5 * coarse[i]));
      const d = detail * fine[i];
      for (let c = 0; c < 3; c++) out[i * 3 + c] = c1[c] + (c2[c] - c1[c]) * t + d;
    }
  }
  return out;
}

/** A face texture in face-local coordinates: the unit disc of `size` x `size` is the face. */
function makeFace(rng: Rng, size: number): Float32Array {
  const skin = [uniform(rng, 150, 235), 0, 0];
  skin[1] = skin[0] * uniform(rng, 0.68, 0.82);
  skin[2] = skin[1] * uniform(rng, 0.72, 0.9);
  const pores = _valueNoise(rng, size, size, { cell: uniform(rng, 2, 4), octaves: 2 });
  const blotch = _valueNoise(rng, size, size, { cell: 24, octaves: 2 });
  const poreAmp = uniform(rng, 6, 16);
  const eyeY = uniform(rng, -0.28, -0.15);
  const eyeX = uniform(rng, 0.3, 0.42);
  const eyeR = uniform(rng, 0.09, 0.14);
  const mouthY = uniform(rng, 0.42, 0.55);
  const mouthW = uniform(rng, 0.25, 0.4);
  const iris = [uniform(rng, 20, 110), uniform(rng, 20, 90), uniform(rng, 10, 70)];
  const out = new Float32Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    const v = (y + 0.5) / size * 2 - 1;
    for (let x = 0; x < size; x++) {
      const u = (x + 0.5) / size * 2 - 1;
      const i = y * size + x;
      // A sphere-ish shading term: darker towards the rim of the face.
      const r2 = Math.min(1, u * u + v * v);
      const shade = 0.75 + 0.25 * Math.sqrt(1 - r2);
      const tex = poreAmp * pores[i] + 10 * blotch[i];
      let rgb = [skin[0] * shade + tex, skin[1] * shade + tex * 0.8, skin[2] * shade + tex * 0.7];
      for (const side of [-1, 1]) {
        const du = (u - side * eyeX) / (eyeR * 1.5);
        const dv = (v - eyeY) / eyeR;
        const e = du * du + dv * dv;
        if (e < 1) {
          const pupil = (u - side * eyeX) ** 2 + (v - eyeY) ** 2 < (eyeR * 0.55) ** 2;
          rgb = pupil ? iris.slice() : [235 + tex * 0.3, 232 + tex * 0.3, 228 + tex * 0.3];
        }
        const bu = (u - side * eyeX) / (eyeR * 1.9);
        const bv = (v - (eyeY - eyeR * 1.9)) / (eyeR * 0.35);
        if (bu * bu + bv * bv < 1) rgb = [skin[0] * 0.35, skin[1] * 0.3, skin[2] * 0.3];
      }
      const mu = u / mouthW;
      const mv = (v - mouthY) / 0.06;
      if (mu * mu + mv * mv < 1) rgb = [skin[0] * 0.75, skin[1] * 0.42, skin[2] * 0.45];
      // The nose: a soft vertical shading ridge.
      if (Math.abs(v - 0.15) < 0.22) rgb = rgb.map((c) => c - 14 * Math.exp(-((u / 0.07) ** 2)));
      out[i * 3] = rgb[0];
      out[i * 3 + 1] = rgb[1];
      out[i * 3 + 2] = rgb[2];
    }
  }
  return out;
}

/** The face box of frame `f` in pixels, `[x, y, w, h]`, clipped to the frame, integers. */
export function _faceBox(scene: ClipScene, f: number): [number, number, number, number] {
  const p = scene.poses[f];
  const c = Math.cos(p.roll);
  const s = Math.sin(p.roll);
  const hw = Math.sqrt((p.ax * c) ** 2 + (p.ay * s) ** 2);
  const hh = Math.sqrt((p.ax * s) ** 2 + (p.ay * c) ** 2);
  const x0 = Math.max(0, Math.floor(p.cx - hw));
  const y0 = Math.max(0, Math.floor(p.cy - hh));
  const x1 = Math.min(scene.width, Math.ceil(p.cx + hw));
  const y1 = Math.min(scene.height, Math.ceil(p.cy + hh));
  return [x0, y0, x1 - x0, y1 - y0];
}

/** Renders frame `f` of a real clip as rgb24 (`width * height * 3` bytes). */
export function _renderFrame(scene: ClipScene, f: number): Uint8Array {
  const { width, height, bgWidth, face, faceTex } = scene;
  const p = scene.poses[f];
  const buf = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const src = ((y + p.bgY) * bgWidth + p.bgX) * 3;
    buf.set(scene.background.subarray(src, src + width * 3), y * width * 3);
  }
  const c = Math.cos(p.roll);
  const s = Math.sin(p.roll);
  const [bx, by, bw, bh] = _faceBox(scene, f);
  const last = faceTex - 1;
  for (let y = Math.max(0, by - 1); y < Math.min(height, by + bh + 1); y++) {
    for (let x = Math.max(0, bx - 1); x < Math.min(width, bx + bw + 1); x++) {
      const dx = x + 0.5 - p.cx;
      const dy = y + 0.5 - p.cy;
      const u = (dx * c + dy * s) / p.ax;
      const v = (-dx * s + dy * c) / p.ay;
      const r = Math.sqrt(u * u + v * v);
      // One pixel of anti-aliasing at the face outline.
      const alpha = Math.min(1, Math.max(0, (1 - r) * p.ax));
      if (alpha <= 0) continue;
      const tx = Math.min(last, Math.max(0, (u + 1) / 2 * faceTex - 0.5));
      const ty = Math.min(last, Math.max(0, (v + 1) / 2 * faceTex - 0.5));
      const x0 = Math.min(last - 1, Math.floor(tx));
      const y0 = Math.min(last - 1, Math.floor(ty));
      const fx = tx - x0;
      const fy = ty - y0;
      const light = 1 + 0.18 * p.light * u;
      const o = (y * width + x) * 3;
      for (let k = 0; k < 3; k++) {
        const i00 = (y0 * faceTex + x0) * 3 + k;
        const top = face[i00] + (face[i00 + 3] - face[i00]) * fx;
        const i10 = i00 + faceTex * 3;
        const bottom = face[i10] + (face[i10 + 3] - face[i10]) * fx;
        const value = (top + (bottom - top) * fy) * light;
        buf[o + k] += (value - buf[o + k]) * alpha;
      }
    }
  }
  const out = new Uint8Array(width * height * 3);
  const noise = scene.noise;
  const sigma = scene.noiseSigma;
  let n = p.noiseOffset;
  for (let i = 0; i < out.length; i += 3) {
    // The noise table is shorter than a frame: the three channels reuse one draw, scaled apart.
    const e = sigma * noise[n++];
    out[i] = clampByte(buf[i] * p.gain * p.tint[0] + e);
    out[i + 1] = clampByte(buf[i + 1] * p.gain * p.tint[1] + e * 0.9);
    out[i + 2] = clampByte(buf[i + 2] * p.gain * p.tint[2] + e * 1.1);
  }
  return out;
}

function clampByte(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
}

/** How one fake clip's face is altered before it is blended back; drawn once per clip. */
export interface BlendRecipe {
  /** "blur": box-blur radius 1-2 px; "sharpen": unsharp mask; "resample": down then up. */
  kind: "blur" | "sharpen" | "resample";
  /** Blur radius (px) or resample factor (0-1) or sharpen amount. */
  strength: number;
  /** Per-channel gain and offset of the colour shift. */
  gain: [number, number, number];
  offset: [number, number, number];
  /** Mask ellipse size relative to the face ellipse, and its feather width (fraction). */
  maskScale: number;
  feather: number;
}

/** Draws a self-blend recipe from a seed. */
export function _blendRecipe(seed: number): BlendRecipe {
  const rng = seededRandom(seed);
  const pick = rng();
  const kind = pick < 0.5 ? "blur" : pick < 0.8 ? "resample" : "sharpen";
  const strength = kind === "blur"
    ? (rng() < 0.5 ? 1 : 2)
    : kind === "resample"
    ? uniform(rng, 0.35, 0.6)
    : uniform(rng, 0.8, 1.6);
  const g = () => uniform(rng, 0.92, 1.08);
  const o = () => uniform(rng, -10, 10);
  return {
    kind,
    strength,
    gain: [g(), g(), g()],
    offset: [o(), o(), o()],
    maskScale: uniform(rng, 0.85, 1.05),
    feather: uniform(rng, 0.08, 0.25),
  };
}

/**
 * Self-blends frame `f`: an altered copy of the face region (blur, sharpen or resample plus a
 * colour shift) is blended back through a soft elliptical mask, leaving the blending boundary
 * that SBI-style detectors look for. Returns a new rgb24 frame; `frame` is not modified.
 */
export function _selfBlend(
  frame: Uint8Array,
  options: { scene: ClipScene; f: number; recipe: BlendRecipe },
): Uint8Array {
  const { scene, f, recipe } = options;
  const { width, height } = scene;
  const p = scene.poses[f];
  const [bx, by, bw, bh] = _faceBox(scene, f);
  const pad = 4;
  const x0 = Math.max(0, bx - pad);
  const y0 = Math.max(0, by - pad);
  const x1 = Math.min(width, bx + bw + pad);
  const y1 = Math.min(height, by + bh + pad);
  const rw = x1 - x0;
  const rh = y1 - y0;
  const region = new Float32Array(rw * rh * 3);
  for (let y = 0; y < rh; y++) {
    for (let x = 0; x < rw; x++) {
      for (let k = 0; k < 3; k++) {
        region[(y * rw + x) * 3 + k] = frame[((y + y0) * width + x + x0) * 3 + k];
      }
    }
  }
  const altered = alter(region, rw, rh, recipe);
  const out = frame.slice();
  const c = Math.cos(p.roll);
  const s = Math.sin(p.roll);
  const ax = p.ax * recipe.maskScale;
  const ay = p.ay * recipe.maskScale;
  for (let y = 0; y < rh; y++) {
    for (let x = 0; x < rw; x++) {
      const dx = x + x0 + 0.5 - p.cx;
      const dy = y + y0 + 0.5 - p.cy;
      const u = (dx * c + dy * s) / ax;
      const v = (-dx * s + dy * c) / ay;
      const r = Math.sqrt(u * u + v * v);
      const t = Math.min(1, Math.max(0, (1 - r) / recipe.feather));
      const m = t * t * (3 - 2 * t);
      if (m <= 0) continue;
      const o = ((y + y0) * width + x + x0) * 3;
      const a = (y * rw + x) * 3;
      for (let k = 0; k < 3; k++) {
        const src = altered[a + k] * recipe.gain[k] + recipe.offset[k];
        out[o + k] = clampByte(frame[o + k] + (src - frame[o + k]) * m);
      }
    }
  }
  return out;
}

function alter(region: Float32Array, w: number, h: number, recipe: BlendRecipe): Float32Array {
  if (recipe.kind === "blur") return boxBlur(region, w, h, recipe.strength);
  if (recipe.kind === "sharpen") {
    const blurred = boxBlur(region, w, h, 1);
    const out = new Float32Array(region.length);
    for (let i = 0; i < out.length; i++) {
      out[i] = region[i] + recipe.strength * (region[i] - blurred[i]);
    }
    return out;
  }
  return resample(region, w, h, recipe.strength);
}

function boxBlur(src: Float32Array, w: number, h: number, radius: number): Float32Array {
  const tmp = new Float32Array(src.length);
  const out = new Float32Array(src.length);
  const n = 2 * radius + 1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let k = 0; k < 3; k++) {
        let sum = 0;
        for (let d = -radius; d <= radius; d++) {
          const xx = Math.min(w - 1, Math.max(0, x + d));
          sum += src[(y * w + xx) * 3 + k];
        }
        tmp[(y * w + x) * 3 + k] = sum / n;
      }
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let k = 0; k < 3; k++) {
        let sum = 0;
        for (let d = -radius; d <= radius; d++) {
          const yy = Math.min(h - 1, Math.max(0, y + d));
          sum += tmp[(yy * w + x) * 3 + k];
        }
        out[(y * w + x) * 3 + k] = sum / n;
      }
    }
  }
  return out;
}

/** Downsamples by `factor` (area average) and upsamples back bilinearly. */
function resample(src: Float32Array, w: number, h: number, factor: number): Float32Array {
  const sw = Math.max(2, Math.round(w * factor));
  const sh = Math.max(2, Math.round(h * factor));
  const small = new Float32Array(sw * sh * 3);
  for (let y = 0; y < sh; y++) {
    const ya = Math.floor(y * h / sh);
    const yb = Math.max(ya + 1, Math.floor((y + 1) * h / sh));
    for (let x = 0; x < sw; x++) {
      const xa = Math.floor(x * w / sw);
      const xb = Math.max(xa + 1, Math.floor((x + 1) * w / sw));
      const count = (yb - ya) * (xb - xa);
      for (let k = 0; k < 3; k++) {
        let sum = 0;
        for (let yy = ya; yy < yb; yy++) {
          for (let xx = xa; xx < xb; xx++) sum += src[(yy * w + xx) * 3 + k];
        }
        small[(y * sw + x) * 3 + k] = sum / count;
      }
    }
  }
  const out = new Float32Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    const sy = Math.min(sh - 1, Math.max(0, (y + 0.5) * sh / h - 0.5));
    const y0 = Math.min(sh - 2, Math.floor(sy));
    const fy = sy - y0;
    for (let x = 0; x < w; x++) {
      const sx = Math.min(sw - 1, Math.max(0, (x + 0.5) * sw / w - 0.5));
      const x0 = Math.min(sw - 2, Math.floor(sx));
      const fx = sx - x0;
      for (let k = 0; k < 3; k++) {
        const i = (y0 * sw + x0) * 3 + k;
        const top = small[i] + (small[i + 3] - small[i]) * fx;
        const j = i + sw * 3;
        const bottom = small[j] + (small[j + 3] - small[j]) * fx;
        out[(y * w + x) * 3 + k] = top + (bottom - top) * fy;
      }
    }
  }
  return out;
}
