"""Independent oracle of copy quality (tests/copy_quality_test.ts): PSNR of luma with
scikit-image on frames decoded by ffmpeg, SSIM of luma with ffmpeg's ssim filter run standalone
on those frames (scikit-image's SSIM uses another window, 7x7 against ffmpeg's 8x8 on a 4-pixel
grid, and differs by about 0.01-0.02: it is not the same number).

Reads a JSON list of comparisons on stdin, each
  {"source", "copy", "crop": [x, y, w, h] | null, "hflip", "vflip",
   "refVf": ffmpeg -vf for the source or null, "copyVf": ffmpeg -vf for the copy or null}
and prints a JSON list of {"psnr": dB or "inf", "ssim", "frames"}.
The reference is built here: source luma (yuv420p) cropped and mirrored with numpy.
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
from skimage.metrics import peak_signal_noise_ratio


def luma(path, vf):
    """Luma of every decoded frame of `path` (through `vf`): ffmpeg writes yuv4mpegpipe, whose
    header states the frame size, so no separate probe is needed."""
    args = ["ffmpeg", "-v", "error", "-i", path, "-map", "0:v:0"]
    if vf:
        args += ["-vf", vf]
    args += ["-fps_mode", "passthrough", "-f", "yuv4mpegpipe", "-pix_fmt", "yuv420p", "-"]
    raw = subprocess.run(args, capture_output=True, check=True).stdout
    end = raw.index(b"\n")
    header = raw[:end].split(b" ")
    assert header[0] == b"YUV4MPEG2", header
    w = int(next(t[1:] for t in header if t.startswith(b"W")))
    h = int(next(t[1:] for t in header if t.startswith(b"H")))
    frame = w * h + 2 * ((w + 1) // 2) * ((h + 1) // 2)
    frames, at = [], end + 1
    while at < len(raw):
        assert raw[at:at + 5] == b"FRAME", at
        at = raw.index(b"\n", at) + 1
        frames.append(np.frombuffer(raw, np.uint8, w * h, at).reshape(h, w))
        at += frame
    return np.stack(frames)


# A source's reference luma is the same for every copy made from it: decoded once per source
# and reference filter.
_references = {}


def reference(path, vf):
    if (path, vf) not in _references:
        _references[(path, vf)] = luma(path, vf)
    return _references[(path, vf)]


def ffmpeg_ssim(a, b):
    n, h, w = a.shape
    with tempfile.TemporaryDirectory() as tmp:
        pa, pb = os.path.join(tmp, "a.raw"), os.path.join(tmp, "b.raw")
        a.tofile(pa)
        b.tofile(pb)
        raw = ["-f", "rawvideo", "-pix_fmt", "gray", "-s", f"{w}x{h}", "-r", "25"]
        log = subprocess.run(
            ["ffmpeg", "-hide_banner", "-nostdin", *raw, "-i", pb, *raw, "-i", pa,
             "-lavfi", "ssim", "-f", "null", "-"], capture_output=True, check=True).stderr
    line = [l for l in log.decode().splitlines() if "SSIM Y:" in l][-1]
    return float(line.split("SSIM Y:")[1].split()[0])


def compare(c):
    ref = reference(c["source"], c.get("refVf"))
    if c.get("crop"):
        x, y, w, h = c["crop"]
        ref = ref[:, y:y + h, x:x + w]
    if c.get("hflip"):
        ref = ref[:, :, ::-1]
    if c.get("vflip"):
        ref = ref[:, ::-1, :]
    ref = np.ascontiguousarray(ref)
    copy = luma(c["copy"], c.get("copyVf"))
    assert ref.shape == copy.shape, (ref.shape, copy.shape)
    psnr = peak_signal_noise_ratio(ref, copy, data_range=255)
    return {"psnr": "inf" if np.isinf(psnr) else float(psnr), "ssim": ffmpeg_ssim(ref, copy),
            "frames": int(ref.shape[0])}


print(json.dumps([compare(c) for c in json.load(sys.stdin)]))
