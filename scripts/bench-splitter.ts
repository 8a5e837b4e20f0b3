/**
 * `node dist/scripts/bench-splitter.js [pushes=2000000]`: nanoseconds per `push` of one
 * execute request (its size as the bench sends it) through the SIPSVC JSON stream splitter,
 * the gateway's first per-byte scan of every request (docs/benchmark.md).
 */
import { JsonStreamSplitter } from '../libs/sipsvc-protocol/src/json-stream-splitter';
import { EXECUTE_REQUEST } from './lib/execute-request';

const pushes = Number(process.argv[2] ?? 2_000_000);
let frames = 0;
const splitter = new JsonStreamSplitter(65536, {
  frame: () => frames++,
  violation: (reason) => {
    throw new Error(reason);
  },
});
for (let round = 1; round <= 5; round++) {
  const started = process.hrtime.bigint();
  for (let i = 0; i < pushes; i++) splitter.push(EXECUTE_REQUEST);
  const ns = Number(process.hrtime.bigint() - started) / pushes;
  console.log(`round ${round}: ${ns.toFixed(1)} ns per push of ${EXECUTE_REQUEST.length} bytes`);
}
if (frames !== 5 * pushes) throw new Error(`${frames} frames for ${5 * pushes} pushes`);
