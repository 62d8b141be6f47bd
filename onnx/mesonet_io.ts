/**
 * The MesoNet ONNX model's inputs and outputs as `deno task import-mesonet` writes them
 * (onnx/mesonet.ts), in a module of their own so that the MesoNet presets (detectors/mesonet.ts)
 * read the same facts without loading the Keras/HDF5 converter. Facts from the authors' code
 * (DariusAf/MesoNet): `IMGWIDTH = 256` in classifiers.py, `ImageDataGenerator(rescale=1./255)` in
 * example.py, one `Dense(1, activation='sigmoid')` output whose class 1 is "real".
 * @module
 */

/** Input side length in pixels (`IMGWIDTH` in the authors' code). */
export const MESONET_INPUT_SIZE = 256;

/** Name of the ONNX model's input: [N, 3, 256, 256], NCHW, RGB. */
export const MESONET_INPUT_NAME = "image";

/** Pixel scale of the input: values in [0, 1] (`rescale=1./255`). */
export const MESONET_INPUT_SCALE = 1 / 255;

/** Name of the ONNX model's output: the sigmoid probability that the face is real. */
export const MESONET_OUTPUT_NAME = "real_probability";
