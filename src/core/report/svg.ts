/**
 * Small pure SVG chart builders for vadapt's self-contained HTML reports: every function returns an `<svg>`
 * string (inline, no scripts, no external references) with a stable `id`, and every piece of text passes through
 * {@link esc}. Charts: points with confidence whiskers, before/after dumbbells, lines with interval bands,
 * heatmaps, node-link graphs on a circle, and event timelines.
 */

/** Escapes text for XML/HTML content and attribute values. */
export function esc(text: string | number): string {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** A number for labels: 3 significant digits, thousands as k/M. */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return "–";
  const a = Math.abs(v);
  if (a >= 1e6) return `${(v / 1e6).toPrecision(3)}M`;
  if (a >= 1e4) return `${(v / 1e3).toPrecision(3)}k`;
  if (a >= 100 || v === Math.round(v)) return v.toFixed(0);
  return v.toPrecision(3);
}

const r2 = (x: number): string => (Math.round(x * 100) / 100).toString();

/** Evenly spaced "nice" ticks covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (hi === lo) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag);
  const out: number[] = [];
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) out.push(k === 0 ? 0 : Number((k * step).toPrecision(12)));
  return out;
}

/** A linear map from [d0, d1] to [r0, r1] (the middle of the range for an empty domain). */
export function scale(d0: number, d1: number, r0: number, r1: number): (x: number) => number {
  if (d1 === d0) return () => (r0 + r1) / 2;
  return (x) => r0 + ((x - d0) / (d1 - d0)) * (r1 - r0);
}

/** The extent of finite values, widened to include `include` and padded by 5%. */
export function extent(values: readonly number[], include: readonly number[] = []): [number, number] {
  const vs = [...values, ...include].filter(Number.isFinite);
  if (vs.length === 0) return [0, 1];
  let lo = Math.min(...vs);
  let hi = Math.max(...vs);
  if (lo === hi) {
    const d = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    return [lo - d, hi + d];
  }
  const pad = (hi - lo) * 0.05;
  lo -= pad;
  hi += pad;
  return [lo, hi];
}

/** A categorical palette (colour-blind friendly, Okabe-Ito). */
export const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"] as const;
export const colour = (i: number): string => PALETTE[i % PALETTE.length]!;

/** Room above every chart for its visible caption. */
const CAPTION = 22;

/** Opens a chart: the `<svg>` with its title (tooltip and visible caption) and the plot group below the caption. */
function svgOpen(id: string, width: number, height: number, title: string): string {
  const h = height + CAPTION;
  return `<svg id="${esc(id)}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${h}" width="${width}" height="${h}" role="img" aria-label="${esc(title)}"><title>${esc(title)}</title><text class="caption" x="8" y="15">${esc(title)}</text><g transform="translate(0,${CAPTION})">`;
}

const SVG_CLOSE = "</g></svg>";

function text(x: number, y: number, s: string, attrs = ""): string {
  return `<text x="${r2(x)}" y="${r2(y)}" ${attrs}>${esc(s)}</text>`;
}

/** A y axis (ticks, grid lines, label) for a plot area. */
function yAxis(y: (v: number) => number, lo: number, hi: number, left: number, right: number, label: string): string {
  const ticks = niceTicks(lo, hi);
  return (
    ticks.map((t) => `<line class="grid" x1="${left}" x2="${right}" y1="${r2(y(t))}" y2="${r2(y(t))}"/>${text(left - 6, y(t) + 4, fmt(t), 'text-anchor="end" class="tick"')}`).join("") +
    text(14, (y(lo) + y(hi)) / 2, label, `class="axis" text-anchor="middle" transform="rotate(-90 14 ${r2((y(lo) + y(hi)) / 2)})"`)
  );
}

function xAxis(x: (v: number) => number, lo: number, hi: number, top: number, bottom: number, label: string, format: (v: number) => string = fmt): string {
  const ticks = niceTicks(lo, hi);
  return (
    ticks.map((t) => `<line class="grid" x1="${r2(x(t))}" x2="${r2(x(t))}" y1="${top}" y2="${bottom}"/>${text(x(t), bottom + 14, format(t), 'text-anchor="middle" class="tick"')}`).join("") +
    text((x(lo) + x(hi)) / 2, bottom + 30, label, 'class="axis" text-anchor="middle"')
  );
}

/** One estimate with its confidence interval (null bounds: no interval, e.g. a single seed). */
export interface Estimate {
  readonly label: string;
  readonly mean: number;
  readonly low: number | null;
  readonly high: number | null;
  /** A note after the label, e.g. `n=5`. */
  readonly note?: string;
}

/** Horizontal points with whiskers, one row per estimate (algorithm comparison with confidence intervals). */
export function ciChart(id: string, title: string, xLabel: string, rows: readonly Estimate[]): string {
  const left = 170;
  const width = 640;
  const rowH = 22;
  const top = 10;
  const plotH = Math.max(1, rows.length) * rowH;
  const height = top + plotH + 44;
  const finite = rows.filter((r) => Number.isFinite(r.mean));
  const [lo, hi] = extent(finite.flatMap((r) => [r.mean, r.low ?? r.mean, r.high ?? r.mean]));
  const x = scale(lo, hi, left, width - 16);
  const body = rows
    .map((r, i) => {
      const cy = top + i * rowH + rowH / 2;
      const label = text(left - 8, cy + 4, `${r.label}${r.note !== undefined ? ` (${r.note})` : ""}`, 'text-anchor="end" class="label"');
      if (!Number.isFinite(r.mean)) return `${label}${text(left + 4, cy + 4, "no feasible result", 'class="tick"')}`;
      const whisker = r.low !== null && r.high !== null ? `<path class="ci" d="M${r2(x(r.low))},${r2(cy)}H${r2(x(r.high))}M${r2(x(r.low))},${r2(cy - 5)}v10M${r2(x(r.high))},${r2(cy - 5)}v10"/>` : "";
      return `${label}${whisker}<circle class="pt" cx="${r2(x(r.mean))}" cy="${r2(cy)}" r="4" fill="${colour(i)}"><title>${esc(`${r.label}: ${fmt(r.mean)}${r.low !== null && r.high !== null ? ` [${fmt(r.low)}, ${fmt(r.high)}]` : ""}`)}</title></circle>`;
    })
    .join("");
  return `${svgOpen(id, width, height, title)}<g class="axes">${xAxis(x, lo, hi, top, top + plotH, xLabel)}</g>${body}${SVG_CLOSE}`;
}

/** Before → after per row (e.g. objective before and after adaptation): two points joined by an arrow. */
export function dumbbellChart(id: string, title: string, xLabel: string, rows: ReadonlyArray<{ readonly label: string; readonly before: number; readonly after: number }>): string {
  const left = 170;
  const width = 640;
  const rowH = 24;
  const top = 26;
  const plotH = Math.max(1, rows.length) * rowH;
  const height = top + plotH + 44;
  const [lo, hi] = extent(rows.flatMap((r) => [r.before, r.after]));
  const x = scale(lo, hi, left, width - 16);
  const legend = `<circle cx="${left}" cy="12" r="4" class="before"/>${text(left + 8, 16, "before", 'class="tick"')}<circle cx="${left + 70}" cy="12" r="4" class="after"/>${text(left + 78, 16, "after", 'class="tick"')}`;
  const body = rows
    .map((r, i) => {
      const cy = top + i * rowH + rowH / 2;
      const parts = [text(left - 8, cy + 4, r.label, 'text-anchor="end" class="label"')];
      if (Number.isFinite(r.before) && Number.isFinite(r.after)) parts.push(`<path class="link" d="M${r2(x(r.before))},${r2(cy)}H${r2(x(r.after))}"/>`);
      if (Number.isFinite(r.before)) parts.push(`<circle class="before" cx="${r2(x(r.before))}" cy="${r2(cy)}" r="4"><title>${esc(`before: ${fmt(r.before)}`)}</title></circle>`);
      if (Number.isFinite(r.after)) parts.push(`<circle class="after" cx="${r2(x(r.after))}" cy="${r2(cy)}" r="4"><title>${esc(`after: ${fmt(r.after)}`)}</title></circle>`);
      return parts.join("");
    })
    .join("");
  return `${svgOpen(id, width, height, title)}${legend}<g class="axes">${xAxis(x, lo, hi, top, top + plotH, xLabel)}</g>${body}${SVG_CLOSE}`;
}

/** A line series, optionally with a band (e.g. a prediction interval). */
export interface LineSeries {
  readonly name: string;
  readonly xs: readonly number[];
  readonly ys: readonly number[];
  readonly lo?: readonly number[];
  readonly hi?: readonly number[];
  readonly dashed?: boolean;
}

function polyline(xs: readonly number[], ys: readonly number[], x: (v: number) => number, y: (v: number) => number): string {
  let d = "";
  let pen = false;
  for (let i = 0; i < xs.length; i++) {
    const v = ys[i]!;
    if (!Number.isFinite(v)) {
      pen = false;
      continue;
    }
    d += `${pen ? "L" : "M"}${r2(x(xs[i]!))},${r2(y(v))}`;
    pen = true;
  }
  return d;
}

/** Lines over a shared x axis with optional bands, and a legend. */
export function lineChart(id: string, title: string, xLabel: string, yLabel: string, series: readonly LineSeries[], opts: { readonly xFormat?: (v: number) => string } = {}): string {
  const width = 720;
  const height = 300;
  const left = 64;
  const top = 28;
  const bottom = height - 44;
  const right = width - 16;
  const [x0, x1] = extent(series.flatMap((s) => [...s.xs]));
  const [y0, y1] = extent(series.flatMap((s) => [...s.ys, ...(s.lo ?? []), ...(s.hi ?? [])]));
  const x = scale(x0, x1, left, right);
  const y = scale(y0, y1, bottom, top);
  const bands = series
    .map((s, i) => {
      if (s.lo === undefined || s.hi === undefined) return "";
      const pts: string[] = [];
      const back: string[] = [];
      for (let k = 0; k < s.xs.length; k++) {
        if (!Number.isFinite(s.lo[k]!) || !Number.isFinite(s.hi[k]!)) continue;
        pts.push(`${r2(x(s.xs[k]!))},${r2(y(s.hi[k]!))}`);
        back.push(`${r2(x(s.xs[k]!))},${r2(y(s.lo[k]!))}`);
      }
      return pts.length === 0 ? "" : `<path class="band" fill="${colour(i)}" d="M${pts.join("L")}L${back.reverse().join("L")}Z"/>`;
    })
    .join("");
  const lines = series.map((s, i) => `<path class="line${s.dashed === true ? " dashed" : ""}" stroke="${colour(i)}" d="${polyline(s.xs, s.ys, x, y)}"/>`).join("");
  const legend = series.map((s, i) => `<rect x="${left + i * 150}" y="8" width="12" height="4" fill="${colour(i)}"/>${text(left + i * 150 + 16, 14, s.name, 'class="tick"')}`).join("");
  return `${svgOpen(id, width, height, title)}${legend}<g class="axes">${yAxis(y, y0, y1, left, right, yLabel)}${xAxis(x, x0, x1, top, bottom, xLabel, opts.xFormat)}</g>${bands}${lines}${SVG_CLOSE}`;
}

/** A heatmap of `values[r][c]` with row and column labels (a white → blue scale from 0 to the maximum). */
export function heatmap(id: string, title: string, rowLabels: readonly string[], colLabels: readonly string[], values: readonly (readonly number[])[], opts: { readonly cell?: number; readonly unit?: string; readonly max?: number } = {}): string {
  const cell = opts.cell ?? Math.max(4, Math.min(24, Math.floor(480 / Math.max(rowLabels.length, colLabels.length, 1))));
  const left = 90;
  const top = 70;
  const width = left + colLabels.length * cell + 70;
  const height = top + rowLabels.length * cell + 10;
  const max = opts.max ?? Math.max(0, ...values.flatMap((r) => r.filter(Number.isFinite)));
  const showRow = Math.ceil(12 / cell);
  const cells: string[] = [];
  values.forEach((row, i) =>
    row.forEach((v, j) => {
      if (!Number.isFinite(v) || v <= 0) return;
      const t = max > 0 ? Math.min(1, v / max) : 0;
      const c = `rgb(${Math.round(255 - 247 * t)},${Math.round(255 - 207 * t)},${Math.round(255 - 148 * t)})`;
      cells.push(`<rect x="${left + j * cell}" y="${top + i * cell}" width="${cell}" height="${cell}" fill="${c}"><title>${esc(`${rowLabels[i]} → ${colLabels[j]}: ${fmt(v)}${opts.unit !== undefined ? ` ${opts.unit}` : ""}`)}</title></rect>`);
    }),
  );
  const rows = rowLabels.map((l, i) => (i % showRow === 0 ? text(left - 4, top + i * cell + cell / 2 + 4, l, 'text-anchor="end" class="tick"') : "")).join("");
  const cols = colLabels.map((l, j) => (j % showRow === 0 ? text(left + j * cell + cell / 2, top - 6, l, `class="tick" transform="rotate(-60 ${r2(left + j * cell + cell / 2)} ${top - 6})"`) : "")).join("");
  const scaleBar = `${text(width - 64, top + 10, `max ${fmt(max)}${opts.unit !== undefined ? ` ${opts.unit}` : ""}`, 'class="tick"')}`;
  return `${svgOpen(id, width, height, title)}<rect class="frame" x="${left}" y="${top}" width="${colLabels.length * cell}" height="${rowLabels.length * cell}"/>${cells.join("")}${rows}${cols}${scaleBar}${SVG_CLOSE}`;
}

/** A node-link graph on a circle; edge width ∝ weight. */
export function graphChart(
  id: string,
  title: string,
  nodes: ReadonlyArray<{ readonly id: string; readonly group?: number }>,
  edges: ReadonlyArray<{ readonly from: string; readonly to: string; readonly weight: number; readonly label?: string }>,
  opts: { readonly unit?: string } = {},
): string {
  const size = 440;
  const c = size / 2;
  const radius = c - 50;
  const pos = new Map(nodes.map((n, i) => [n.id, { x: c + radius * Math.cos((2 * Math.PI * i) / Math.max(1, nodes.length) - Math.PI / 2), y: c + radius * Math.sin((2 * Math.PI * i) / Math.max(1, nodes.length) - Math.PI / 2) }]));
  const maxW = Math.max(0, ...edges.map((e) => e.weight));
  const lines = edges
    .map((e) => {
      const a = pos.get(e.from);
      const b = pos.get(e.to);
      if (a === undefined || b === undefined) return "";
      const w = maxW > 0 ? 0.8 + (5 * e.weight) / maxW : 1;
      return `<path class="edge" stroke-width="${r2(w)}" d="M${r2(a.x)},${r2(a.y)}L${r2(b.x)},${r2(b.y)}"><title>${esc(`${e.from} — ${e.to}: ${e.label ?? `${fmt(e.weight)}${opts.unit !== undefined ? ` ${opts.unit}` : ""}`}`)}</title></path>`;
    })
    .join("");
  const showLabels = nodes.length <= 40;
  const dots = nodes
    .map((n) => {
      const p = pos.get(n.id)!;
      const lx = c + (radius + 18) * ((p.x - c) / radius);
      const ly = c + (radius + 18) * ((p.y - c) / radius);
      return `<circle class="node" cx="${r2(p.x)}" cy="${r2(p.y)}" r="${nodes.length > 40 ? 3 : 6}" fill="${colour(n.group ?? 0)}"><title>${esc(n.id)}</title></circle>${showLabels ? text(lx, ly + 4, n.id, 'text-anchor="middle" class="tick"') : ""}`;
    })
    .join("");
  return `${svgOpen(id, size, size, title)}${lines}${dots}${SVG_CLOSE}`;
}

/** Events on a time axis, one lane per kind (e.g. decisions, plans, migrations). */
export function timelineChart(id: string, title: string, lanes: readonly string[], events: ReadonlyArray<{ readonly tMs: number; readonly lane: number; readonly label: string }>, spanMs: readonly [number, number]): string {
  const width = 720;
  const left = 110;
  const laneH = 30;
  const top = 10;
  const bottom = top + lanes.length * laneH;
  const height = bottom + 44;
  const [t0, t1] = spanMs[1] > spanMs[0] ? spanMs : [spanMs[0], spanMs[0] + 1000];
  const x = scale(t0 / 1000, t1 / 1000, left, width - 16);
  const laneLines = lanes.map((l, i) => `<line class="lane" x1="${left}" x2="${width - 16}" y1="${top + i * laneH + laneH / 2}" y2="${top + i * laneH + laneH / 2}"/>${text(left - 8, top + i * laneH + laneH / 2 + 4, l, 'text-anchor="end" class="label"')}`).join("");
  const marks = events
    .map((e) => {
      const cx = x(e.tMs / 1000);
      const cy = top + e.lane * laneH + laneH / 2;
      return `<path class="mark" fill="${colour(e.lane)}" d="M${r2(cx)},${r2(cy - 7)}l6,7l-6,7l-6,-7Z"><title>${esc(`t=${fmt(e.tMs / 1000)} s: ${e.label}`)}</title></path>`;
    })
    .join("");
  return `${svgOpen(id, width, height, title)}<g class="axes">${xAxis(x, t0 / 1000, t1 / 1000, top, bottom, "time (s)")}</g>${laneLines}${marks}${SVG_CLOSE}`;
}
