/**
 * dfrobust's own ONNX writer: a small graph builder over `onnx-proto` (protobufjs). It builds
 * inference graphs from plain weights (MesoNet from Keras .h5, the demo detector) and encodes
 * them to deterministic bytes: the same graph always gives the same model file, so a model's
 * sha256 identifies it.
 *
 * @example
 * ```ts
 * import { encodeModel, GraphBuilder } from "./writer.ts";
 * const g = new GraphBuilder("double");
 * g.input("x", ["N", 3]);
 * g.initializer("two", [1], new Float32Array([2]));
 * g.node("Mul", ["x", "two"], { outputs: ["y"] });
 * g.output("y", ["N", 3]);
 * const bytes = encodeModel(g, { opset: 17 });
 * if (bytes.length === 0) throw new Error("empty model");
 * ```
 * @module
 */
import onnxProto from "../deps/onnx_proto.ts";

const onnx = onnxProto.onnx;

/** A tensor dimension: a fixed size, or a symbolic name such as `"N"` for the batch. */
export type Dim = number | string;

/** Element types the writer supports for inputs, outputs and initializers. */
export type ElementType = "float" | "int64" | "int32";

/** Forces a float attribute (for a float that happens to be a whole number, e.g. `alpha: 1`). */
export interface FloatAttribute {
  float: number;
}

/** Forces a list of float attributes. */
export interface FloatsAttribute {
  floats: number[];
}

/**
 * An attribute value. A number is written as an INT when it is a whole number and its name is
 * not a known float attribute ({@link FLOAT_ATTRIBUTE_NAMES}), else as a FLOAT; a number array
 * as INTS; a string as STRING; `{float}` / `{floats}` force float types.
 */
export type AttributeValue = number | number[] | string | FloatAttribute | FloatsAttribute;

/**
 * Attribute names that ONNX operators declare as float, so `epsilon: 1` or `alpha: 1` is still
 * written as a float (onnxruntime rejects an INT where the schema says FLOAT).
 */
export const FLOAT_ATTRIBUTE_NAMES: readonly string[] = [
  "alpha",
  "beta",
  "bias",
  "epsilon",
  "gamma",
  "lambd",
  "momentum",
  "ratio",
  "spatial_scale",
];

/** Options of {@link GraphBuilder.node}. */
export interface NodeOptions {
  /** Output names, or how many auto-named outputs (default 1 auto-named output). */
  outputs?: string[] | number;
  /** Operator attributes by name. */
  attributes?: Record<string, AttributeValue>;
  /** Node name (default: auto, from the op type and a counter). */
  name?: string;
  /** Operator domain (default: the standard ONNX domain ""). */
  domain?: string;
}

/** Options of {@link GraphBuilder.input} and {@link GraphBuilder.output}. */
export interface ValueOptions {
  /** Element type (default `"float"`). */
  type?: ElementType;
}

/** Options of {@link encodeModel}. */
export interface EncodeModelOptions {
  /** Default-domain opset version (default 17: the last where ReduceMean takes `axes` as an attribute). */
  opset?: number;
  /** `producer_name` (default `"dfrobust"`). */
  producer?: string;
  /** `producer_version` (default empty). */
  producerVersion?: string;
  /** Model doc string. */
  docString?: string;
  /** `metadata_props`, written sorted by key so the bytes do not depend on insertion order. */
  metadata?: Record<string, string>;
}

type TypedData = Float32Array | BigInt64Array | Int32Array;

interface ValueSpec {
  name: string;
  dims: Dim[];
  type: ElementType;
}

const ELEMENT_TYPE_CODES: Record<ElementType, number> = {
  float: onnx.TensorProto.DataType.FLOAT,
  int64: onnx.TensorProto.DataType.INT64,
  int32: onnx.TensorProto.DataType.INT32,
};

/**
 * Builds one ONNX graph: inputs, initializers (weights), nodes in topological order, outputs.
 * Every method checks names as it goes (duplicates, inputs that nothing produces, initializer
 * sizes that do not match their dims) and throws an `Error` naming the value, so a broken graph
 * fails here rather than inside onnxruntime.
 */
export class GraphBuilder {
  /** Graph name, written into the model. */
  readonly name: string;
  readonly #inputs: ValueSpec[] = [];
  readonly #outputs: ValueSpec[] = [];
  readonly #initializers: InstanceType<typeof onnx.TensorProto>[] = [];
  readonly #nodes: InstanceType<typeof onnx.NodeProto>[] = [];
  readonly #known = new Set<string>();
  readonly #counters = new Map<string, number>();

  /** Starts an empty graph called `name`. */
  constructor(name: string) {
    this.name = name;
  }

  /** Declares a graph input, e.g. `input("image", ["N", 3, 256, 256])`; returns its name. */
  input(name: string, dims: Dim[], options: ValueOptions = {}): string {
    this.#declare(name);
    this.#inputs.push({ name, dims: [...dims], type: options.type ?? "float" });
    return name;
  }

  /**
   * Adds a constant tensor (weights). `data.length` must equal the product of `dims`; the type
   * follows the array (Float32Array = float, BigInt64Array = int64, Int32Array = int32).
   * Returns its name.
   */
  initializer(name: string, dims: number[], data: TypedData): string {
    this.#declare(name);
    const size = dims.reduce((a, b) => a * b, 1);
    if (dims.some((d) => !Number.isInteger(d) || d < 0) || size !== data.length) {
      throw new Error(
        `Initializer "${name}": ${data.length} values do not fill dims [${dims.join(", ")}]`,
      );
    }
    const type: ElementType = data instanceof Float32Array
      ? "float"
      : data instanceof BigInt64Array
      ? "int64"
      : "int32";
    this.#initializers.push(onnx.TensorProto.create({
      name,
      dims,
      dataType: ELEMENT_TYPE_CODES[type],
      rawData: littleEndianBytes(data),
    }));
    return name;
  }

  /**
   * Adds a node. `inputs` must name graph inputs, initializers or earlier nodes' outputs (`""`
   * marks an omitted optional input). Returns the output names (auto-named
   * `<optype>_<n>` unless `options.outputs` lists them).
   */
  node(opType: string, inputs: string[], options: NodeOptions = {}): string[] {
    for (const input of inputs) {
      if (input !== "" && !this.#known.has(input)) {
        throw new Error(`Node ${opType}: input "${input}" is not produced by anything before it`);
      }
    }
    const outputs = Array.isArray(options.outputs)
      ? [...options.outputs]
      : Array.from({ length: options.outputs ?? 1 }, () => this.#autoName(opType));
    for (const output of outputs) this.#declare(output);
    this.#nodes.push(onnx.NodeProto.create({
      name: options.name ?? this.#autoName(`${opType}_node`),
      opType,
      domain: options.domain ?? "",
      input: inputs,
      output: outputs,
      attribute: Object.entries(options.attributes ?? {}).map(([key, value]) =>
        attributeProto(key, value)
      ),
    }));
    return outputs;
  }

  /** Declares `name` (an existing value) as a graph output with `dims`. */
  output(name: string, dims: Dim[], options: ValueOptions = {}): string {
    if (!this.#known.has(name)) {
      throw new Error(`Graph output "${name}" is not produced by any input or node`);
    }
    if (this.#outputs.some((o) => o.name === name)) {
      throw new Error(`Graph output "${name}" is declared twice`);
    }
    this.#outputs.push({ name, dims: [...dims], type: options.type ?? "float" });
    return name;
  }

  /** The graph as an `onnx.GraphProto` (for {@link encodeModel}). Throws when it has no output. */
  toGraphProto(): InstanceType<typeof onnx.GraphProto> {
    if (this.#outputs.length === 0) throw new Error(`Graph "${this.name}" has no output`);
    return onnx.GraphProto.create({
      name: this.name,
      input: this.#inputs.map(valueInfo),
      output: this.#outputs.map(valueInfo),
      initializer: this.#initializers,
      node: this.#nodes,
    });
  }

  #declare(name: string): void {
    if (name === "") throw new Error(`Graph "${this.name}": empty value name`);
    if (this.#known.has(name)) {
      throw new Error(`Graph "${this.name}": value "${name}" is defined twice`);
    }
    this.#known.add(name);
  }

  #autoName(base: string): string {
    const key = base.toLowerCase();
    let n = this.#counters.get(key) ?? 0;
    let name = `${key}_${n}`;
    // A caller may already have used the auto name explicitly; skip past it.
    while (this.#known.has(name)) name = `${key}_${++n}`;
    this.#counters.set(key, n + 1);
    return name;
  }
}

/**
 * Encodes a built graph as an ONNX model (IR version 8) and returns the protobuf bytes. The
 * output has no timestamps or random ids: equal graphs and options give equal bytes.
 */
export function encodeModel(graph: GraphBuilder, options: EncodeModelOptions = {}): Uint8Array {
  const metadata = Object.entries(options.metadata ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => ({ key, value }));
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: options.producer ?? "dfrobust",
    producerVersion: options.producerVersion ?? "",
    docString: options.docString ?? "",
    opsetImport: [{ domain: "", version: options.opset ?? 17 }],
    graph: graph.toGraphProto(),
    metadataProps: metadata,
  });
  return onnx.ModelProto.encode(model).finish();
}

function valueInfo(spec: ValueSpec): InstanceType<typeof onnx.ValueInfoProto> {
  return onnx.ValueInfoProto.create({
    name: spec.name,
    type: {
      tensorType: {
        elemType: ELEMENT_TYPE_CODES[spec.type],
        shape: {
          dim: spec.dims.map((d) => typeof d === "number" ? { dimValue: d } : { dimParam: d }),
        },
      },
    },
  });
}

function attributeProto(
  name: string,
  value: AttributeValue,
): InstanceType<typeof onnx.AttributeProto> {
  const Type = onnx.AttributeProto.AttributeType;
  if (typeof value === "string") {
    return onnx.AttributeProto.create({
      name,
      type: Type.STRING,
      s: new TextEncoder().encode(value),
    });
  }
  if (Array.isArray(value)) {
    if (value.some((v) => !Number.isInteger(v))) {
      throw new Error(`Attribute "${name}": a number list is INTS; use {floats: [...]} for floats`);
    }
    return onnx.AttributeProto.create({ name, type: Type.INTS, ints: value });
  }
  if (typeof value === "number") {
    if (Number.isInteger(value) && !FLOAT_ATTRIBUTE_NAMES.includes(name)) {
      return onnx.AttributeProto.create({ name, type: Type.INT, i: value });
    }
    return onnx.AttributeProto.create({ name, type: Type.FLOAT, f: value });
  }
  if ("float" in value) {
    return onnx.AttributeProto.create({ name, type: Type.FLOAT, f: value.float });
  }
  return onnx.AttributeProto.create({ name, type: Type.FLOATS, floats: value.floats });
}

/** Copies typed data into little-endian bytes (ONNX raw_data is little-endian on every host). */
function littleEndianBytes(data: TypedData): Uint8Array {
  const bytes = new Uint8Array(data.byteLength);
  const view = new DataView(bytes.buffer);
  if (data instanceof Float32Array) {
    for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i], true);
  } else if (data instanceof BigInt64Array) {
    for (let i = 0; i < data.length; i++) view.setBigInt64(i * 8, data[i], true);
  } else {
    for (let i = 0; i < data.length; i++) view.setInt32(i * 4, data[i], true);
  }
  return bytes;
}
