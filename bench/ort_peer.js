// ONNX Runtime's CPU provider as a bench-models peer (node, npm's
// onnxruntime-node): runs every sample of an .npy through the model, saves
// the outputs, then times one sample, and prints {"ms": median} as JSON.
//
// Usage: node ort_peer.js ORT_DIR MODEL.onnx SAMPLES.npy OUT.npy REPEAT THREADS
"use strict";
const fs = require("fs");
const path = require("path");

function readNpy(file) {
  const buf = fs.readFileSync(file);
  const major = buf[6];
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.toString("latin1", start, start + headerLen);
  if (!header.includes("'<f4'") || header.includes("'fortran_order': True"))
    throw new Error(file + ": needs a C-ordered float32 array");
  const shape = header.match(/'shape': \(([^)]*)\)/)[1].split(",")
    .filter((s) => s.trim()).map(Number);
  const data = new Float32Array(buf.buffer.slice(buf.byteOffset + start + headerLen,
                                                 buf.byteOffset + buf.length));
  return { shape, data };
}

function writeNpy(file, shape, data) {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(", ")}${
    shape.length === 1 ? "," : ""}), }`;
  const total = 10 + header.length + 1;
  header += " ".repeat((64 - (total % 64)) % 64) + "\n";
  const head = Buffer.alloc(10);
  head.write("\x93NUMPY", 0, "latin1");
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  fs.writeFileSync(file, Buffer.concat([head, Buffer.from(header, "latin1"),
                                        Buffer.from(data.buffer, data.byteOffset,
                                                    data.byteLength)]));
}

async function main() {
  const [ortDir, model, samples, out, repeat, threads] = process.argv.slice(2);
  const ort = require(path.join(ortDir, "onnxruntime-node"));
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: Number(threads), interOpNumThreads: 1,
    executionMode: "sequential", graphOptimizationLevel: "all", logSeverityLevel: 3,
  });
  const input = readNpy(samples);
  const sampleShape = input.shape.slice(1);
  const size = sampleShape.reduce((a, b) => a * b, 1);
  const feed = (i) => ({
    [session.inputNames[0]]: new ort.Tensor("float32",
      input.data.subarray(i * size, (i + 1) * size), sampleShape),
  });
  const outputs = [];
  let outShape;
  for (let i = 0; i < input.shape[0]; ++i) {
    const r = (await session.run(feed(i)))[session.outputNames[0]];
    outShape = r.dims;
    outputs.push(r.data);
  }
  const all = new Float32Array(outputs.length * outputs[0].length);
  outputs.forEach((o, i) => all.set(o, i * o.length));
  writeNpy(out, [outputs.length, ...outShape], all);
  await session.run(feed(0));
  const times = [];
  for (let i = 0; i < Number(repeat); ++i) {
    const t = process.hrtime.bigint();
    await session.run(feed(0));
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  console.log(JSON.stringify({ ms: times[Math.floor(times.length / 2)] }));
}

main().catch((e) => {
  console.error("ort_peer: " + e.message);
  process.exit(1);
});
