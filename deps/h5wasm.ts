/** The one seam to HDF5 (`h5wasm`), used to read Keras `.h5` weights. @module */
export { default } from "npm:h5wasm@0.10.3";
