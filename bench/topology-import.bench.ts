/**
 * SNDlib and Topology Zoo import speed on the real files: SNDlib networks (all 26 native + 25 XML), demand-matrix
 * series (matrices/s, MB/s of XML; the 17-day Abilene archive including its unpacking), and GraphML (all 276
 * Topology Zoo files). Prints figures only; skips when ../shared/data is absent.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { openGraphml } from "../src/importers/graphml.js";
import { openSndlib, parseSndlibNative, parseSndlibXml } from "../src/importers/sndlib.js";
import { dataPath, HAVE_SHARED_DATA } from "../test/helpers/data.js";

if (!HAVE_SHARED_DATA) {
  process.stdout.write("topology-import: ../shared/data not found, skipped\n");
  process.exit(0);
}

const dirBytes = (dir: string): number => readdirSync(dir).reduce((s, f) => s + statSync(join(dir, f)).size, 0);

// SNDlib networks.
let t0 = performance.now();
let bytes = 0;
let files = 0;
for (const name of readdirSync(dataPath("sndlib", "instances", "native"))) {
  for (const [path, parse] of [
    [dataPath("sndlib", "instances", "native", name, `${name}.txt`), parseSndlibNative],
    [dataPath("sndlib", "instances", "xml", name, `${name}.xml`), parseSndlibXml],
  ] as const) {
    if (!existsSync(path)) continue;
    const text = readFileSync(path, "utf8");
    parse(text, path);
    bytes += text.length;
    files++;
  }
}
let s = (performance.now() - t0) / 1000;
process.stdout.write(`sndlib networks: ${files} files, ${(bytes / 1e6).toFixed(1)} MB in ${s.toFixed(2)} s (${(bytes / 1e6 / s).toFixed(1)} MB/s)\n`);

// SNDlib series.
const network = (n: string): string => dataPath("sndlib", "instances", "xml", n, `${n}.xml`);
for (const [series, net] of [
  ["abilene_5min_20040301", "abilene"],
  ["geant_15min_20050505", "geant"],
  ["germany50_1day_200502", "germany50"],
  ["abilene_5min_17days_xml.tar.xz", "abilene"],
] as const) {
  const path = dataPath("sndlib", "dynamic", series);
  t0 = performance.now();
  const r = await openSndlib(path, { network: network(net) });
  let n = 0;
  for await (const _ of r.events) n++;
  s = (performance.now() - t0) / 1000;
  const mb = series.endsWith(".tar.xz") ? undefined : dirBytes(path) / 1e6;
  const rate = mb === undefined ? "" : `, ${(mb / s).toFixed(1)} MB/s of XML`;
  process.stdout.write(`sndlib series ${series}: ${n} matrices in ${s.toFixed(2)} s (${(n / s).toFixed(0)} matrices/s${rate})\n`);
}

// Topology Zoo.
const zoo = dataPath("topology-zoo", "graphml");
t0 = performance.now();
let links = 0;
const names = readdirSync(zoo).filter((f) => f.endsWith(".graphml"));
for (const f of names) links += (await openGraphml(join(zoo, f))).header.links.length;
s = (performance.now() - t0) / 1000;
const mb = dirBytes(zoo) / 1e6;
process.stdout.write(`graphml: ${names.length} files (${mb.toFixed(1)} MB, ${links} overlay links) in ${s.toFixed(2)} s (${(names.length / s).toFixed(0)} files/s, ${(mb / s).toFixed(1)} MB/s)\n`);
