/**
 * Prediction benchmark (issue 4): fit AR(16) on 1,000 samples (goal < 1 ms per fit), and step 1,000 AR(16)
 * predictors once each, repeatedly (goal >= 1M predictor steps/s). Also prints forecast and other fit costs.
 */
import { performance } from "node:perf_hooks";
import { fitYuleWalker } from "../src/core/predict/yule-walker.js";
import { fitPredictor, type Predictor } from "../src/core/predict/predictor.js";
import { parseSpec } from "../src/core/predict/spec.js";
import { createRng } from "../src/core/rng.js";

function series(seed: number, n: number): Float64Array {
  const rng = createRng(seed);
  const x = new Float64Array(n);
  let a = 0;
  let b = 0;
  for (let t = 0; t < n; t++) {
    const v = 0.6 * a - 0.2 * b + rng.normal();
    b = a;
    a = v;
    x[t] = 50 + v;
  }
  return x;
}

function timeIt(label: string, reps: number, fn: (i: number) => void): number {
  for (let i = 0; i < Math.min(reps, 200); i++) fn(i); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) fn(i);
  const ms = (performance.now() - t0) / reps;
  process.stdout.write(`${label.padEnd(52)} ${ms < 1 ? `${(ms * 1000).toFixed(1)} µs` : `${ms.toFixed(2)} ms`}\n`);
  return ms;
}

const histories = Array.from({ length: 64 }, (_, i) => series(i + 1, 1000));
const ar16 = parseSpec("ar:16");

const estimateMs = timeIt("AR(16) Yule-Walker estimate, 1,000 samples", 5000, (i) => {
  fitYuleWalker(histories[i % 64]!, 16);
});
const fitMs = timeIt("AR(16) fit + prime predictor, 1,000 samples", 5000, (i) => {
  fitPredictor(ar16, histories[i % 64]!);
});
for (const spec of ["ar-burg:16", "bm:32", "ma:4", "arma:4,4", "arima:2,1,2", "wavelet:d8:3:ar:8"]) {
  timeIt(`${spec} fit + prime, 1,000 samples`, spec.startsWith("arma") || spec.startsWith("arima") || spec.startsWith("ma") ? 100 : 1000, (i) => {
    fitPredictor(parseSpec(spec), histories[i % 64]!);
  });
}

// 1,000 fitted AR(16) predictors, stepped once each per round.
const predictors: Predictor[] = Array.from({ length: 1000 }, (_, i) => fitPredictor(ar16, histories[i % 64]!));
const feed = series(999, 4096);
let sink = 0;
const rounds = 2000;
for (let r = 0; r < 200; r++) for (const p of predictors) p.step(feed[r & 4095]!);
const t0 = performance.now();
for (let r = 0; r < rounds; r++) {
  const x = feed[r & 4095]!;
  for (let i = 0; i < predictors.length; i++) predictors[i]!.step(x + i * 1e-3);
}
const stepMs = performance.now() - t0;
for (const p of predictors) sink += p.lastError;
const stepsPerSec = (rounds * predictors.length) / (stepMs / 1000);
process.stdout.write(`${"AR(16) predictor steps, 1,000 series x 2,000 rounds".padEnd(52)} ${(stepsPerSec / 1e6).toFixed(2)} M steps/s (${((stepMs * 1e6) / (rounds * predictors.length)).toFixed(0)} ns/step)\n`);

timeIt("AR(16) predict(30) with variances", 100_000, (i) => {
  sink += predictors[i % 1000]!.predict(30).values[29]!;
});

process.stdout.write(`\ngoal: AR(16) fit < 1 ms: ${fitMs < 1 ? "met" : "NOT met"} (${(fitMs * 1000).toFixed(1)} µs; estimate alone ${(estimateMs * 1000).toFixed(1)} µs)\n`);
process.stdout.write(`goal: >= 1M predictor steps/s: ${stepsPerSec >= 1e6 ? "met" : "NOT met"} (${(stepsPerSec / 1e6).toFixed(2)} M/s)\n`);
if (!Number.isFinite(sink)) process.stdout.write("(non-finite checksum)\n");
