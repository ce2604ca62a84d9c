/**
 * Writers for the inferred topology graph, for other tools: GraphML (yEd, Gephi, NetworkX), GEXF 1.3 (Gephi) and
 * JSON (graphology's serialisation, readable by `Graph.from`). Pure string builders.
 */
import type { DirectedGraph } from "graphology";

type Scalar = string | number | boolean;

function xml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function typeOf(values: Scalar[]): "boolean" | "double" | "string" {
  if (values.length > 0 && values.every((v) => typeof v === "boolean")) return "boolean";
  if (values.length > 0 && values.every((v) => typeof v === "number")) return "double";
  return "string";
}

/** Attribute names and their types over a set of attribute records (first-seen order). */
function schema(records: Array<Record<string, unknown>>): Array<{ name: string; type: "boolean" | "double" | "string" }> {
  const seen = new Map<string, Scalar[]>();
  for (const r of records) {
    for (const [k, v] of Object.entries(r)) {
      if (typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") continue;
      const list = seen.get(k) ?? [];
      list.push(v);
      seen.set(k, list);
    }
  }
  return [...seen.entries()].map(([name, values]) => ({ name, type: typeOf(values) }));
}

function value(v: unknown): string {
  return typeof v === "number" ? (Number.isFinite(v) ? String(v) : "NaN") : xml(String(v));
}

/** GraphML with typed `<key>`s for graph, node and edge attributes. */
export function toGraphML(g: DirectedGraph): string {
  const nodes: Array<[string, Record<string, unknown>]> = [];
  g.forEachNode((k, a) => nodes.push([k, a]));
  const edges: Array<[string, string, string, Record<string, unknown>]> = [];
  g.forEachEdge((k, a, s, t) => edges.push([k, s, t, a]));
  const gs = schema([g.getAttributes()]);
  const ns = schema(nodes.map((n) => n[1]));
  const es = schema(edges.map((e) => e[3]));
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">'];
  for (const [scope, list] of [["graph", gs], ["node", ns], ["edge", es]] as const) {
    for (const a of list) lines.push(`  <key id="${scope[0]}_${xml(a.name)}" for="${scope}" attr.name="${xml(a.name)}" attr.type="${a.type}"/>`);
  }
  lines.push('  <graph id="G" edgedefault="directed">');
  for (const a of gs) {
    const v = g.getAttribute(a.name);
    if (v !== undefined) lines.push(`    <data key="g_${xml(a.name)}">${value(v)}</data>`);
  }
  for (const [k, attrs] of nodes) {
    lines.push(`    <node id="${xml(k)}">`);
    for (const a of ns) if (attrs[a.name] !== undefined) lines.push(`      <data key="n_${xml(a.name)}">${value(attrs[a.name])}</data>`);
    lines.push("    </node>");
  }
  for (const [k, s, t, attrs] of edges) {
    lines.push(`    <edge id="${xml(k)}" source="${xml(s)}" target="${xml(t)}">`);
    for (const a of es) if (attrs[a.name] !== undefined) lines.push(`      <data key="e_${xml(a.name)}">${value(attrs[a.name])}</data>`);
    lines.push("    </edge>");
  }
  lines.push("  </graph>", "</graphml>", "");
  return lines.join("\n");
}

/** GEXF 1.3, static, directed; edge weight = `mbps` when present. */
export function toGEXF(g: DirectedGraph): string {
  const nodes: Array<[string, Record<string, unknown>]> = [];
  g.forEachNode((k, a) => nodes.push([k, a]));
  const edges: Array<[string, string, string, Record<string, unknown>]> = [];
  g.forEachEdge((k, a, s, t) => edges.push([k, s, t, a]));
  const ns = schema(nodes.map((n) => n[1]));
  const es = schema(edges.map((e) => e[3]));
  const gexfType = (t: string): string => (t === "double" ? "double" : t);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<gexf xmlns="http://gexf.net/1.3" version="1.3">',
    `  <meta><creator>vadapt</creator><description>${xml(`VTTIF topology: ${String(g.getAttribute("class") ?? "")}`)}</description></meta>`,
    '  <graph mode="static" defaultedgetype="directed">',
    '    <attributes class="node">',
    ...ns.map((a, i) => `      <attribute id="${i}" title="${xml(a.name)}" type="${gexfType(a.type)}"/>`),
    "    </attributes>",
    '    <attributes class="edge">',
    ...es.map((a, i) => `      <attribute id="${i}" title="${xml(a.name)}" type="${gexfType(a.type)}"/>`),
    "    </attributes>",
    "    <nodes>",
  ];
  for (const [k, attrs] of nodes) {
    lines.push(`      <node id="${xml(k)}" label="${xml(k)}"><attvalues>`);
    ns.forEach((a, i) => {
      if (attrs[a.name] !== undefined) lines.push(`        <attvalue for="${i}" value="${value(attrs[a.name])}"/>`);
    });
    lines.push("      </attvalues></node>");
  }
  lines.push("    </nodes>", "    <edges>");
  for (const [k, s, t, attrs] of edges) {
    const w = typeof attrs.mbps === "number" ? ` weight="${value(attrs.mbps)}"` : "";
    lines.push(`      <edge id="${xml(k)}" source="${xml(s)}" target="${xml(t)}"${w}><attvalues>`);
    es.forEach((a, i) => {
      if (attrs[a.name] !== undefined) lines.push(`        <attvalue for="${i}" value="${value(attrs[a.name])}"/>`);
    });
    lines.push("      </attvalues></edge>");
  }
  lines.push("    </edges>", "  </graph>", "</gexf>", "");
  return lines.join("\n");
}

/** graphology's serialisation format as JSON (round-trips with `DirectedGraph.from`). */
export function toJSON(g: DirectedGraph): string {
  return `${JSON.stringify(g.export(), null, 2)}\n`;
}
