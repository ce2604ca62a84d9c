/**
 * `vadapt predict <series-or-trace>`: fit an RPS-style predictor to a series and forecast it with error
 * variances, or (`--compare`) score every model and the NWS selector out of sample, per lead time.
 * See docs/prediction.md.
 */
import { readFile, writeFile } from "node:fs/promises";
import { InvalidArgumentError, type Command } from "commander";
import { looksLikeTrace, readSeriesFile, readTraceSeries, type LoadedSeries } from "../../adapters/series/read.js";
import { ConfigError, InputError, IoError } from "../../core/errors.js";
import { MODEL_FILE_FORMAT, ModelFile, type ModelDefinition } from "../../core/predict/definition.js";
import { evaluate, type Evaluation, type ModelScore } from "../../core/predict/evaluate.js";
import { createPredictor, fitPredictor, prime, type Predictor } from "../../core/predict/predictor.js";
import { parseRefitPolicy, REFIT_GRAMMAR } from "../../core/predict/refit.js";
import { Selector, type Criterion } from "../../core/predict/selector.js";
import { formatSpec, parseSpec, parseSpecList, SPEC_GRAMMAR, type ModelSpec } from "../../core/predict/spec.js";
import { sweetSpot, type SweetSpot } from "../../core/predict/sweet-spot.js";
import { LINK_FIELDS, LOAD_FIELDS, PAIR_FIELDS, type SeriesSelection } from "../../core/trace/series.js";
import { parseInput } from "../../core/validate.js";
import { table } from "../format.js";
import { positiveInt, readModeOption } from "../options.js";

/** The candidates of `--compare` and `--model nws` unless `--models` names others. */
export const DEFAULT_MODELS = "mean last bm:32 ar:16 ar-burg:16 ma:4 arma:4,4 arima:2,1,2 wavelet:d8:2:ar:8";
const MAX_LEAD = 10_000;

interface PredictOptions {
  column?: string;
  inputColumn?: string[];
  host?: string;
  vm?: string;
  link?: string;
  pair?: string;
  field?: string;
  inputField?: string[];
  model: string;
  models?: string;
  ahead?: number[];
  compare?: boolean;
  sweetSpot?: boolean;
  train: number;
  window: number;
  criterion: Criterion;
  refit?: string;
  save?: string;
  load?: string;
  json?: boolean;
  strict?: boolean;
  lenient?: boolean;
}

/** Lead times: `N` (1..N), `A..B`, or a comma list of those (`1,5,30`). */
export function parseLeads(value: string): number[] {
  const out = new Set<number>();
  const items = value.split(",").map((s) => s.trim());
  for (const item of items) {
    const range = /^(\d+)\.\.(\d+)$/.exec(item);
    const [a, b] = range !== null ? [Number(range[1]), Number(range[2])] : /^\d+$/.test(item) ? (items.length === 1 ? [1, Number(item)] : [Number(item), Number(item)]) : [NaN, NaN];
    if (!Number.isInteger(a) || !Number.isInteger(b) || a < 1 || b < a || b > MAX_LEAD) {
      throw new InvalidArgumentError(`'${value}' is not a lead list: use N (leads 1..N), A..B, or a comma list like 1,5,30 (leads 1..${MAX_LEAD})`);
    }
    for (let h = a; h <= b; h++) out.add(h);
  }
  return [...out].sort((x, y) => x - y);
}

function fraction(value: string): number {
  const v = Number(value);
  if (!(v > 0 && v < 1)) throw new InvalidArgumentError(`'${value}' is not a fraction in (0, 1)`);
  return v;
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

function oneOf<T extends string>(value: string, allowed: readonly T[], what: string): T {
  if (!(allowed as readonly string[]).includes(value)) throw new ConfigError("options", [`${what} '${value}' is not one of ${allowed.join(", ")}`]);
  return value as T;
}

/** The trace selection the options name, or null for a plain series file. */
function selectionOf(o: PredictOptions): SeriesSelection | null {
  const given = [o.host, o.vm, o.link, o.pair].filter((v) => v !== undefined).length;
  if (given > 1) throw new ConfigError("options", ["--host, --vm, --link and --pair exclude each other"]);
  if (given === 0) {
    if (o.field !== undefined || o.inputField !== undefined) throw new ConfigError("options", ["--field and --input-field select trace series: add --host, --vm, --link or --pair"]);
    return null;
  }
  if (o.column !== undefined || o.inputColumn !== undefined) throw new ConfigError("options", ["--column and --input-column are for series files, not traces"]);
  const inputs = o.inputField ?? [];
  if (o.host !== undefined || o.vm !== undefined) {
    const field = oneOf(o.field ?? "cpuPct", LOAD_FIELDS, "--field");
    const ins = inputs.map((f) => oneOf(f, LOAD_FIELDS, "--input-field"));
    return o.host !== undefined ? { kind: "host", host: o.host, field, inputs: ins } : { kind: "vm", vm: o.vm!, field, inputs: ins };
  }
  if (o.link !== undefined) {
    const [from, to, extra] = o.link.split(/:|->|>/);
    if (from === undefined || to === undefined || extra !== undefined || from === "" || to === "") throw new ConfigError("options", [`--link '${o.link}' must be FROM:TO (host ids)`]);
    return { kind: "link", from, to, field: oneOf(o.field ?? "mbps", LINK_FIELDS, "--field"), inputs: inputs.map((f) => oneOf(f, LINK_FIELDS, "--input-field")) };
  }
  const pair = o.pair!;
  const mac = "[0-9a-fA-F]{2}(?:[:-][0-9a-fA-F]{2}){5}";
  const m = new RegExp(`^(${mac})[:,>](${mac})$`).exec(pair) ?? /^([^:,>]+)[:,>]([^:,>]+)$/.exec(pair);
  if (m === null) throw new ConfigError("options", [`--pair '${pair}' must be SRC:DST (MACs or VM ids; ',' or '>' also separate)`]);
  return { kind: "pair", src: m[1]!, dst: m[2]!, field: oneOf(o.field ?? "bytes", PAIR_FIELDS, "--field"), inputs: inputs.map((f) => oneOf(f, PAIR_FIELDS, "--input-field")) };
}

async function loadSeries(path: string, o: PredictOptions): Promise<LoadedSeries> {
  const mode = readModeOption(o);
  const selection = selectionOf(o);
  if (selection !== null) return readTraceSeries(path, selection, mode);
  if (path !== "-" && (await looksLikeTrace(path))) {
    throw new ConfigError("options", [`${path} looks like a vadapt trace: choose a series with --host, --vm, --link or --pair (and --field)`]);
  }
  return readSeriesFile(path, { column: o.column, inputColumns: o.inputColumn, mode });
}

async function loadModel(path: string): Promise<ModelFile> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new IoError(path, `cannot read: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new InputError({ file: path }, `not valid JSON (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
  return parseInput(ModelFile, raw, { file: path });
}

const num = (v: number): string => (Number.isNaN(v) ? "n/a" : Math.abs(v) >= 1e6 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : Number(v.toPrecision(6)).toString());

function describeModel(def: ModelDefinition): string[] {
  const coef = (a: readonly number[]): string => (a.length === 0 ? "-" : a.map((v) => num(v)).join(" "));
  switch (def.kind) {
    case "linear":
      return [`model      ${def.spec} (${def.method})`, `mean       ${num(def.mean)}${def.d > 0 ? ` (of the ${def.d}x differenced series)` : ""}`, `ar         ${coef(def.ar)}`, ...(def.d > 0 ? [`d          ${def.d}`] : []), `ma         ${coef(def.ma)}`, `sigma2     ${num(def.sigma2)}`];
    case "arx":
      return [`model      ${def.spec} (least squares)`, `intercept  ${num(def.intercept)}`, `ar         ${coef(def.ar)}`, ...def.inputs.map((b, m) => `input ${m + 1}    ${coef(b)}`), `sigma2     ${num(def.sigma2)}`];
    case "wavelet":
      return [`model      ${def.spec}: ${def.inner.spec} on the level-${def.level} ${def.wavelet} approximation`, `inner ar   ${coef(def.inner.ar)}`, `inner ma   ${coef(def.inner.ma)}`, `sigma2     ${num(def.inner.sigma2)} (coarse) + ${num(def.withinVariance)} (within block)`];
    case "selector":
      return [`model      nws selector (${def.criterion}, window ${def.window}, horizon ${def.horizon}) over ${def.candidates.map((c) => c.spec).join(", ")}`];
  }
}

function compareTable(r: Evaluation): string {
  const rows: ModelScore[] = [...r.models, ...(r.selector !== null ? [r.selector] : [])];
  const leads = rows.find((m) => m.leads.length > 0)?.leads.map((l) => l.lead) ?? [];
  const best = leads.map((_, li) => Math.min(...r.models.map((m) => m.leads[li]?.ratio ?? Infinity)));
  return table(
    ["model", ...leads.map((h) => `${h} ahead`)],
    rows.map((m) => [m.name, ...(m.error !== undefined ? leads.map(() => "n/a") : m.leads.map((l, li) => `${l.ratio.toFixed(3)}${l.ratio === best[li] ? "*" : ""}`))]),
  );
}

function sweetSpotLines(s: SweetSpot): string[] {
  return [
    `sweet spot (${s.method}${s.method === "wavelet" ? ", d8" : ""}, ${s.model}, one step ahead, MSE/variance per resolution): ${s.best === null ? "none" : `level ${s.best.level} (${s.best.blockSamples} samples per step, ratio ${s.best.ratio.toFixed(3)})`}`,
    `  ${s.levels.map((l) => `${l.blockSamples}:${Number.isNaN(l.ratio) ? "n/a" : l.ratio.toFixed(3)}`).join("  ")}`,
  ];
}

/** Registers `vadapt predict`. */
export function registerPredict(program: Command): void {
  program
    .command("predict")
    .description("fit an RPS-style predictor (MEAN, LAST, BM, AR, MA, ARMA, ARIMA, ARX, wavelet) to a series and forecast with error variances, or --compare models")
    .argument("<input>", "a series file (one number per line, or CSV/;/tab columns with --column; .gz ok; - for stdin) or a vadapt trace")
    .option("--column <name|n>", "series column of a delimited file (header name or 1-based index)")
    .option("--input-column <name|n>", "exogenous input column for arx (repeatable)", collect)
    .option("--host <id>", "trace: a host's load series (--field cpuPct|memPct|netInMbps|netOutMbps|loadAvg, default cpuPct)")
    .option("--vm <id>", "trace: a VM's load series (same fields)")
    .option("--link <from:to>", "trace: a link's measurements (--field mbps|latencyMs|lossPct, default mbps)")
    .option("--pair <src:dst>", "trace: a MAC pair's traffic per interval (MACs or VM ids; --field bytes|packets|mbps, default bytes)")
    .option("--field <name>", "trace: the measure to predict")
    .option("--input-field <name>", "trace: exogenous input measure of the same subject, for arx (repeatable)", collect)
    .option("--model <spec>", `model to fit, or 'nws' for the selector over --models (${SPEC_GRAMMAR})`, "ar:16")
    .option("--models <list>", `candidates for --compare and nws, separated by spaces or ';' (default: ${DEFAULT_MODELS}, plus arx:8,4 with inputs)`)
    .option("--ahead <leads>", "lead times: N (1..N), A..B, or a list like 1,5,30 (default 1..30; 1,5,30 with --compare)", parseLeads)
    .option("--compare", "fit on the first --train part, score every model and the selector on the rest: MSE/variance per lead")
    .option("--sweet-spot", "with --compare: also search the sweet-spot resolution (binning and D8 approximations, ar:8)")
    .option("--train <fraction>", "fraction of the series to fit on for --compare and nws", fraction, 0.5)
    .option("--window <n>", "selector: errors kept per model and lead", positiveInt, 100)
    .option("--criterion <c>", "selector: rank by mse or mae", (v) => oneOf(v, ["mse", "mae"] as const, "--criterion"), "mse" as Criterion)
    .option("--refit <policy>", `with --compare: refit while streaming (${REFIT_GRAMMAR})`)
    .option("--save <file>", "write the fitted model definition (JSON, see models/README.md)")
    .option("--load <file>", "use a saved model definition instead of fitting")
    .option("--json", "print JSON")
    .option("--strict", "stop at the first malformed line (default)")
    .option("--lenient", "skip malformed lines, count them and report the first ones")
    .action(async (input: string, o: PredictOptions) => {
      const series = await loadSeries(input, o);
      for (const e of series.errors.slice(0, 5)) process.stderr.write(`warning: skipped ${e.message}\n`);
      if (series.badLines > 0) process.stderr.write(`warning: skipped ${series.badLines} malformed line(s)\n`);
      if (series.values.length === 0) throw new InputError({ file: input }, `no samples for ${series.description}`);
      const inputs = series.inputs;
      const candidates = (): ModelSpec[] => {
        const list = parseSpecList(o.models ?? (inputs.length > 0 ? `${DEFAULT_MODELS} arx:8,4` : DEFAULT_MODELS));
        return inputs.length > 0 ? list : list.filter((s) => s.kind !== "arx");
      };
      const fittedOn = { source: input, series: series.description, inputs: series.inputNames.length > 0 ? [...series.inputNames] : undefined };

      if (o.compare === true) {
        if (o.save !== undefined || o.load !== undefined) throw new ConfigError("options", ["--save and --load do not apply to --compare"]);
        const leads = o.ahead ?? [1, 5, 30];
        const r = evaluate(series.values, candidates(), {
          leads,
          trainFraction: o.train,
          inputs,
          selector: { criterion: o.criterion, window: o.window },
          refit: o.refit !== undefined ? parseRefitPolicy(o.refit) : undefined,
        });
        const spots = o.sweetSpot === true ? [sweetSpot(series.values, { method: "bin" }), sweetSpot(series.values, { method: "wavelet" })] : [];
        if (o.json === true) {
          process.stdout.write(`${JSON.stringify({ input, series: series.description, inputs: series.inputNames, ...r, sweetSpots: spots }, (_, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? null : v), 2)}\n`);
          return;
        }
        const out = [
          `series     ${input}: ${series.description} (${r.samples} samples; fit on ${r.train}, scored on ${r.test}, test variance ${num(r.variance)})`,
          `MSE / variance of the test part, per lead time (lower is better; * = best single model; 1 = no better than the test mean):`,
          "",
          compareTable(r),
        ];
        for (const m of r.models) if (m.error !== undefined) out.push(`  ${m.name}: ${m.error.replace(/\n\s*-\s*/g, " ")}`);
        if (r.selector !== null) {
          out.push("", `selector picks (${r.selector.name}):`);
          for (const p of r.selector.picks) {
            const top = Object.entries(p.counts).sort((a, b) => b[1] - a[1]).slice(0, 3);
            out.push(`  ${p.lead} ahead: ${top.map(([name, c]) => `${name} ${((100 * c) / r.test).toFixed(0)}%`).join(", ")}`);
          }
        }
        for (const s of spots) out.push("", ...sweetSpotLines(s));
        process.stdout.write(`${out.join("\n")}\n`);
        return;
      }

      if (o.refit !== undefined) throw new ConfigError("options", ["--refit applies to --compare (streaming evaluation)"]);
      const leads = o.ahead ?? parseLeads("30");
      let predictor: Predictor;
      let fittedSamples = series.values.length;
      if (o.load !== undefined) {
        const file = await loadModel(o.load);
        predictor = createPredictor(file.model);
        prime(predictor, series.values, predictor.inputCount > 0 ? inputs : []);
      } else if (o.model.trim().toLowerCase() === "nws") {
        const train = Math.floor(series.values.length * o.train);
        fittedSamples = train;
        const fitted: Predictor[] = [];
        const skipped: string[] = [];
        for (const spec of candidates()) {
          try {
            fitted.push(fitPredictor(spec, series.values.subarray(0, train), spec.kind === "arx" ? inputs.map((u) => u.subarray(0, train)) : []));
          } catch (e) {
            if (!(e instanceof ConfigError)) throw e;
            skipped.push(formatSpec(spec));
          }
        }
        if (skipped.length > 0) process.stderr.write(`warning: too few samples to fit ${skipped.join(", ")}; left out of the selector\n`);
        const sel = new Selector(fitted, { criterion: o.criterion, window: o.window, horizon: leads[leads.length - 1]! });
        const u = new Float64Array(sel.inputCount);
        for (let t = train; t < series.values.length; t++) {
          for (let m = 0; m < u.length; m++) u[m] = inputs[m]![t]!;
          sel.step(series.values[t]!, u);
        }
        predictor = sel;
      } else {
        const spec = parseSpec(o.model);
        if (spec.kind === "arx" && inputs.length === 0) throw new ConfigError("options", [`${o.model} needs exogenous inputs: --input-column (series files) or --input-field (traces)`]);
        predictor = fitPredictor(spec, series.values, spec.kind === "arx" ? inputs : []);
      }
      const hMax = leads[leads.length - 1]!;
      const f = predictor.predict(hMax);
      if (o.save !== undefined) {
        const file: ModelFile = { format: MODEL_FILE_FORMAT, version: 1, fittedOn: { ...fittedOn, samples: fittedSamples }, model: predictor.definition };
        try {
          await writeFile(o.save, `${JSON.stringify(file, null, 2)}\n`);
        } catch (e) {
          throw new IoError(o.save, `cannot write: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
        }
      }
      const rows = leads.map((h) => ({ lead: h, value: f.values[h - 1]!, variance: f.variances[h - 1]! }));
      if (o.json === true) {
        process.stdout.write(`${JSON.stringify({ input, series: series.description, samples: series.values.length, model: predictor.definition, forecast: rows }, null, 2)}\n`);
        return;
      }
      const out = [
        `series     ${input}: ${series.description}, ${series.values.length} samples (last ${num(series.values[series.values.length - 1]!)})`,
        ...describeModel(predictor.definition),
        ...(predictor.inputCount > 0 ? ["note       future inputs unknown here: forecasts hold the last input values"] : []),
        ...(o.save !== undefined ? [`saved      ${o.save}`] : []),
        "",
        table(
          ["ahead", "forecast", "variance", "stddev", "95% low", "95% high"],
          rows.map((r) => {
            const sd = Math.sqrt(r.variance);
            return [r.lead, num(r.value), num(r.variance), num(sd), num(r.value - 1.96 * sd), num(r.value + 1.96 * sd)];
          }),
        ),
      ];
      process.stdout.write(`${out.join("\n")}\n`);
    });
}
