import assert from "node:assert/strict";
import * as ort from "../deps/onnxruntime.ts";
import { type AttributeValue, encodeModel, GraphBuilder } from "../onnx/writer.ts";

/** Runs `bytes` on onnxruntime with one float input and returns the first output. */
async function runOne(
  bytes: Uint8Array,
  feeds: Record<string, { data: Float32Array; dims: number[] }>,
): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const tensors: Record<string, ort.Tensor> = {};
    for (const [name, { data, dims }] of Object.entries(feeds)) {
      tensors[name] = new ort.Tensor("float32", data, dims);
    }
    const result = await session.run(tensors);
    const out = result[session.outputNames[0]];
    return { data: out.data as Float32Array, dims: out.dims };
  } finally {
    await session.release();
  }
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-5): void {
  assert.equal(actual.length, expected.length, "length");
  for (let i = 0; i < expected.length; i++) {
    assert.ok(
      Math.abs(actual[i] - expected[i]) <= tol,
      `element ${i}: got ${actual[i]}, want ${expected[i]}`,
    );
  }
}

/** One unary/binary-op graph: x -> op -> y, with optional extra initializers. */
function singleOp(
  opType: string,
  inDims: number[],
  outDims: number[],
  options: {
    attributes?: Record<string, AttributeValue>;
    weights?: { name: string; dims: number[]; data: Float32Array | BigInt64Array }[];
  } = {},
): Uint8Array {
  const g = new GraphBuilder(opType.toLowerCase());
  g.input("x", ["N", ...inDims.slice(1)]);
  const names = ["x"];
  for (const w of options.weights ?? []) names.push(g.initializer(w.name, w.dims, w.data));
  const [y] = g.node(opType, names, { attributes: options.attributes });
  g.output(y, ["N", ...outDims.slice(1)]);
  return encodeModel(g);
}

const f32 = (values: number[]) => new Float32Array(values);

Deno.test("encodeModel() gives onnxruntime graphs whose outputs match hand-computed values", async (t) => {
  await t.step("Conv with padding, bias and stride 1", async () => {
    // 1x1x3x3 input, one 2x2 kernel of ones, pads 0: each output = sum of a 2x2 window + bias.
    const model = singleOp("Conv", [1, 1, 3, 3], [1, 1, 2, 2], {
      attributes: { kernel_shape: [2, 2], pads: [0, 0, 0, 0] },
      weights: [
        { name: "w", dims: [1, 1, 2, 2], data: f32([1, 1, 1, 1]) },
        { name: "b", dims: [1], data: f32([0.5]) },
      ],
    });
    const out = await runOne(model, {
      x: { data: f32([1, 2, 3, 4, 5, 6, 7, 8, 9]), dims: [1, 1, 3, 3] },
    });
    assert.deepEqual([...out.dims], [1, 1, 2, 2]);
    assertClose(out.data, [12.5, 16.5, 24.5, 28.5]);
  });

  await t.step("Conv with dilation 2 and same padding", async () => {
    // 3x3 kernel with dilation 2 covers 5x5; pads 2 keep 3x3. Centre kernel tap only = identity.
    const w = new Float32Array(9);
    w[4] = 2;
    w[0] = 1; // top-left tap reads (i-2, j-2)
    const model = singleOp("Conv", [1, 1, 3, 3], [1, 1, 3, 3], {
      attributes: { kernel_shape: [3, 3], pads: [2, 2, 2, 2], dilations: [2, 2] },
      weights: [{ name: "w", dims: [1, 1, 3, 3], data: w }],
    });
    const x = f32([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const out = await runOne(model, { x: { data: x, dims: [1, 1, 3, 3] } });
    // y[i][j] = 2*x[i][j] + x[i-2][j-2] (0 outside): only (2,2) sees x[0][0]=1.
    assertClose(out.data, [2, 4, 6, 8, 10, 12, 14, 16, 18 + 1]);
  });

  await t.step("Relu, LeakyRelu, Abs and Sigmoid apply elementwise", async () => {
    const x = f32([-2, -0.5, 0, 1.5]);
    const cases: [string, Record<string, AttributeValue>, number[]][] = [
      ["Relu", {}, [0, 0, 0, 1.5]],
      ["LeakyRelu", { alpha: 0.1 }, [-0.2, -0.05, 0, 1.5]],
      ["LeakyRelu", { alpha: 1 }, [-2, -0.5, 0, 1.5]],
      ["Abs", {}, [2, 0.5, 0, 1.5]],
      ["Sigmoid", {}, [-2, -0.5, 0, 1.5].map((v) => 1 / (1 + Math.exp(-v)))],
    ];
    for (const [op, attributes, want] of cases) {
      const out = await runOne(singleOp(op, [1, 4], [1, 4], { attributes }), {
        x: { data: x, dims: [1, 4] },
      });
      assertClose(out.data, want);
    }
  });

  await t.step("MaxPool takes the maximum of each window", async () => {
    const model = singleOp("MaxPool", [1, 1, 4, 4], [1, 1, 2, 2], {
      attributes: { kernel_shape: [2, 2], strides: [2, 2] },
    });
    const x = f32([1, 5, 2, 0, 3, 4, 8, 1, 0, 0, 1, 1, 9, 0, 1, 7]);
    const out = await runOne(model, { x: { data: x, dims: [1, 1, 4, 4] } });
    assertClose(out.data, [5, 8, 9, 7]);
  });

  await t.step("Gemm with transB and MatMul+Add compute x W + b", async () => {
    // W (out=2, in=3) for Gemm transB; the same matrix transposed for MatMul.
    const w = [1, 2, 3, -1, 0, 1];
    const x = f32([1, 1, 2, 0, -1, 4]);
    const want = [1 + 2 + 6 + 0.5, -1 + 0 + 2 - 1, 0 - 2 + 12 + 0.5, 0 + 0 + 4 - 1];
    const gemm = singleOp("Gemm", [2, 3], [2, 2], {
      attributes: { transB: 1 },
      weights: [
        { name: "w", dims: [2, 3], data: f32(w) },
        { name: "b", dims: [2], data: f32([0.5, -1]) },
      ],
    });
    assertClose((await runOne(gemm, { x: { data: x, dims: [2, 3] } })).data, want);

    const g = new GraphBuilder("matmul_add");
    g.input("x", ["N", 3]);
    g.initializer("wt", [3, 2], f32([1, -1, 2, 0, 3, 1]));
    g.initializer("b", [2], f32([0.5, -1]));
    const [m] = g.node("MatMul", ["x", "wt"]);
    const [y] = g.node("Add", [m, "b"]);
    g.output(y, ["N", 2]);
    assertClose((await runOne(encodeModel(g), { x: { data: x, dims: [2, 3] } })).data, want);
  });

  await t.step("BatchNormalization uses scale, bias, mean, variance and epsilon", async () => {
    const model = singleOp("BatchNormalization", [1, 2, 1, 2], [1, 2, 1, 2], {
      attributes: { epsilon: 1e-3 },
      weights: [
        { name: "scale", dims: [2], data: f32([2, 1]) },
        { name: "bias", dims: [2], data: f32([0, 1]) },
        { name: "mean", dims: [2], data: f32([1, 0]) },
        { name: "var", dims: [2], data: f32([4, 1]) },
      ],
    });
    const x = f32([1, 3, 0, 2]);
    const out = await runOne(model, { x: { data: x, dims: [1, 2, 1, 2] } });
    const bn = (v: number, s: number, b: number, m: number, va: number) =>
      s * (v - m) / Math.sqrt(va + 1e-3) + b;
    assertClose(out.data, [
      bn(1, 2, 0, 1, 4),
      bn(3, 2, 0, 1, 4),
      bn(0, 1, 1, 0, 1),
      bn(2, 1, 1, 0, 1),
    ]);
  });

  await t.step(
    "Concat, Mul, Softmax, ReduceMean and GlobalAveragePool chain together",
    async () => {
      const g = new GraphBuilder("chain");
      g.input("x", ["N", 1, 2, 2]);
      g.initializer("three", [1], f32([3]));
      const [tripled] = g.node("Mul", ["x", "three"]);
      const [both] = g.node("Concat", ["x", tripled], { attributes: { axis: 1 } }); // N,2,2,2
      const [gap] = g.node("GlobalAveragePool", [both]); // N,2,1,1
      const [flat] = g.node("Flatten", [gap], { attributes: { axis: 1 } }); // N,2
      const [soft] = g.node("Softmax", [flat], { attributes: { axis: 1 } });
      const [mean] = g.node("ReduceMean", [both], { attributes: { axes: [2, 3], keepdims: 0 } });
      g.output(soft, ["N", 2]);
      g.output(mean, ["N", 2]);
      const bytes = encodeModel(g, { opset: 17 });
      const session = await ort.InferenceSession.create(bytes);
      const x = f32([1, 2, 3, 6]);
      const result = await session.run({ x: new ort.Tensor("float32", x, [1, 1, 2, 2]) });
      await session.release();
      const e1 = Math.exp(3), e2 = Math.exp(9);
      assertClose(result[soft].data as Float32Array, [e1 / (e1 + e2), e2 / (e1 + e2)]);
      assertClose(result[mean].data as Float32Array, [3, 9]);
    },
  );

  await t.step(
    "Reshape with an int64 shape initializer and Transpose keep values in order",
    async () => {
      const g = new GraphBuilder("reshape");
      g.input("x", ["N", 2, 3]);
      g.initializer("shape", [2], new BigInt64Array([-1n, 6n]));
      const [t] = g.node("Transpose", ["x"], { attributes: { perm: [0, 2, 1] } });
      const [y] = g.node("Reshape", [t, "shape"]);
      g.output(y, ["N", 6]);
      const out = await runOne(encodeModel(g), {
        x: { data: f32([1, 2, 3, 4, 5, 6]), dims: [1, 2, 3] },
      });
      assert.deepEqual([...out.dims], [1, 6]);
      assertClose(out.data, [1, 4, 2, 5, 3, 6]);
    },
  );

  await t.step("a symbolic batch dimension accepts any batch size", async () => {
    const model = singleOp("Relu", [1, 2], [1, 2]);
    const out = await runOne(model, { x: { data: f32([-1, 1, 2, -2, 3, -3]), dims: [3, 2] } });
    assert.deepEqual([...out.dims], [3, 2]);
    assertClose(out.data, [0, 1, 2, 0, 3, 0]);
  });
});

Deno.test("encodeModel() is deterministic and writes opset, producer and sorted metadata", async () => {
  function build(): GraphBuilder {
    const g = new GraphBuilder("det");
    g.input("x", ["N", 2]);
    g.initializer("w", [2], f32([0.25, 4]));
    const [y] = g.node("Mul", ["x", "w"]);
    g.output(y, ["N", 2]);
    return g;
  }
  const a = encodeModel(build(), { producer: "dfrobust-test", metadata: { b: "2", a: "1" } });
  const b = encodeModel(build(), { producer: "dfrobust-test", metadata: { a: "1", b: "2" } });
  assert.deepEqual(a, b);
  const session = await ort.InferenceSession.create(a);
  // onnxruntime-node does not expose model metadata; decode the bytes back instead.
  await session.release();
  const { default: onnxProto } = await import("../deps/onnx_proto.ts");
  const model = onnxProto.onnx.ModelProto.decode(a);
  assert.equal(model.producerName, "dfrobust-test");
  assert.equal(Number(model.opsetImport[0].version), 17);
  assert.deepEqual(model.metadataProps.map((p) => p.key), ["a", "b"]);
});

Deno.test("GraphBuilder rejects broken graphs with messages naming the value", async (t) => {
  await t.step("an input nothing produces", () => {
    const g = new GraphBuilder("bad");
    g.input("x", ["N", 2]);
    assert.throws(() => g.node("Add", ["x", "missing"]), /input "missing" is not produced/);
  });
  await t.step("a value defined twice", () => {
    const g = new GraphBuilder("bad");
    g.input("x", ["N", 2]);
    assert.throws(() => g.initializer("x", [1], f32([1])), /value "x" is defined twice/);
  });
  await t.step("an initializer whose data does not fill its dims", () => {
    const g = new GraphBuilder("bad");
    assert.throws(
      () => g.initializer("w", [2, 3], f32([1, 2])),
      /"w": 2 values do not fill dims \[2, 3\]/,
    );
  });
  await t.step("an output nothing produces, and a graph without outputs", () => {
    const g = new GraphBuilder("bad");
    g.input("x", ["N", 2]);
    assert.throws(() => g.output("y", ["N", 2]), /output "y" is not produced/);
    assert.throws(() => encodeModel(g), /has no output/);
  });
  await t.step("fractional numbers in an INTS attribute", () => {
    const g = new GraphBuilder("bad");
    g.input("x", ["N", 2]);
    assert.throws(() => g.node("Relu", ["x"], { attributes: { pads: [0.5] } }), /use \{floats/);
  });
});
