/** The one seam to libvips (`sharp`): image decode, crop, encode. @module */
export { default } from "npm:sharp@0.34.5";
