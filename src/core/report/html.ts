/**
 * The self-contained HTML page of a report: inline CSS, inline SVG plots, no scripts and no external
 * references, so that it opens anywhere without a network. Every piece of text is escaped.
 */
import { esc } from "./svg.js";

/** One section of a report: a heading, an optional note, plots (SVG strings) and an optional table. */
export interface Section {
  readonly id: string;
  readonly title: string;
  readonly note?: string;
  readonly plots: readonly string[];
  readonly table?: { readonly head: readonly string[]; readonly rows: ReadonlyArray<readonly string[]> };
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1180px;padding:0 16px;color:#1b1b1b;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 6px;border-bottom:1px solid #ddd;padding-bottom:4px}
.meta{color:#555;margin:0 0 12px}.note{color:#444;margin:4px 0 10px;max-width:900px}
.plots{display:flex;flex-wrap:wrap;gap:14px;align-items:flex-start}
svg{background:#fcfcfc;border:1px solid #e4e4e4;border-radius:4px;font-size:11px;max-width:100%;height:auto}
svg .caption{font-size:12px;font-weight:600;fill:#222}svg .grid{stroke:#e6e6e6}svg .tick{fill:#555}svg .axis,svg .label{fill:#222}svg .frame{fill:none;stroke:#ccc}
svg .ci{stroke:#333;stroke-width:1.4;fill:none}svg .link{stroke:#888;stroke-width:2}
svg .before{fill:#999}svg .after{fill:#0072B2}svg .line{fill:none;stroke-width:1.6}svg .dashed{stroke-dasharray:5 3}
svg .band{opacity:.18;stroke:none}svg .edge{stroke:#6a8caf;stroke-opacity:.7;fill:none}svg .node{stroke:#fff;stroke-width:1}
svg .lane{stroke:#ddd}svg .mark{stroke:#fff;stroke-width:.8}
table{border-collapse:collapse;margin:8px 0;font-size:13px}th,td{border:1px solid #ddd;padding:3px 8px;text-align:right}
th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}
footer{margin-top:32px;color:#777;font-size:12px}
`;

function tableHtml(t: NonNullable<Section["table"]>): string {
  return `<table><thead><tr>${t.head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>${t.rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join("")}</tr>`).join("")}</tbody></table>`;
}

/** The whole page. */
export function htmlPage(title: string, meta: readonly string[], sections: readonly Section[], footer: string): string {
  const body = sections
    .map((s) => `<section id="${esc(s.id)}"><h2>${esc(s.title)}</h2>${s.note !== undefined ? `<p class="note">${esc(s.note)}</p>` : ""}<div class="plots">${s.plots.join("")}</div>${s.table !== undefined ? tableHtml(s.table) : ""}</section>`)
    .join("\n");
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title><style>${CSS}</style></head>
<body><h1>${esc(title)}</h1>${meta.map((m) => `<p class="meta">${esc(m)}</p>`).join("")}
${body}
<footer>${esc(footer)}</footer></body></html>
`;
}
