/** The one seam to the ONNX protobuf schema (`onnx-proto`, protobufjs inside). @module */
export { default } from "npm:onnx-proto@8.0.1";
