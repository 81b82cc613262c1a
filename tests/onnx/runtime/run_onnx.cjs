// Runs an ONNX file in ONNX Runtime (onnxruntime-node) on the rows of a CSV
// file and writes every output as JSON, for tests/onnx/onnx_export_test.cpp.
//
//   node run_onnx.cjs MODEL.onnx ROWS.csv OUT.json
//
// ROWS.csv: numbers only (NaN: a missing value), one row of raw features per
// line, no header.
// OUT.json: {"inputs": [names], "outputs": {name: {"dims": [...], "data": [...]}}},
// in the session's output order.
'use strict';
const fs = require('fs');
const ort = require('onnxruntime-node');

async function main() {
  const [modelPath, rowsPath, outPath] = process.argv.slice(2);
  if (!outPath) throw new Error('usage: node run_onnx.cjs MODEL.onnx ROWS.csv OUT.json');
  const rows = fs.readFileSync(rowsPath, 'utf8').split('\n').filter((line) => line.trim() !== '')
      .map((line) => line.split(',').map(Number));
  const width = rows[0].length;
  const session = await ort.InferenceSession.create(modelPath);
  const input = new ort.Tensor('float32', Float32Array.from(rows.flat()), [rows.length, width]);
  const results = await session.run({[session.inputNames[0]]: input});
  const outputs = {};
  for (const name of session.outputNames) {
    outputs[name] = {dims: Array.from(results[name].dims), data: Array.from(results[name].data)};
  }
  fs.writeFileSync(outPath, JSON.stringify({inputs: session.inputNames, outputs}));
}

main().catch((error) => {
  console.error(`run_onnx.cjs: ${error.message}`);
  process.exit(1);
});
