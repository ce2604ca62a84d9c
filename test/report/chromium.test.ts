/**
 * Renders vadapt's three kinds of report in headless Chromium (Debian's chromium through playwright-core) and
 * checks that the plots are there, drawn (non-empty paths), and that nothing errors in the page.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseExperimentConfig } from "../../src/core/experiment/config.js";
import { buildReport } from "../../src/report/build.js";
import { runExperiment } from "../../src/harness/run.js";
import { runWhatIf } from "../../src/service/planner.js";
import { loadConfig } from "../../src/service/config.js";
import { REPO_ROOT } from "../helpers/data.js";

const CHROMIUM = "/usr/bin/chromium";
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM) process.stderr.write(`\n*** SKIPPING the report rendering tests: ${CHROMIUM} not found (apt-get install chromium) ***\n\n`);

const dir = mkdtempSync(join(tmpdir(), "vadapt-report-"));
let browser: Browser;

beforeAll(async () => {
  if (HAVE_CHROMIUM) browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
});
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Rendered {
  errors: string[];
  ids: string[];
  emptyPaths: number;
  paths: number;
  requests: string[];
}

async function render(html: string, name: string): Promise<Rendered> {
  const file = join(dir, `${name}.html`);
  writeFileSync(file, html);
  const page = await browser.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") errors.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
  page.on("request", (r) => {
    if (!r.url().startsWith("file://")) requests.push(r.url());
  });
  await page.goto(`file://${file}`, { waitUntil: "load" });
  const ids = await page.locator("svg").evaluateAll((els) => els.map((e) => e.id));
  const d = await page.locator("svg path").evaluateAll((els) => els.map((e) => e.getAttribute("d") ?? ""));
  // every plot has a laid-out size
  const sizes = await page.locator("svg").evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width * e.getBoundingClientRect().height));
  expect(sizes.every((s) => s > 1000)).toBe(true);
  await page.close();
  return { errors, ids, emptyPaths: d.filter((x) => x.trim() === "").length, paths: d.length, requests };
}

describe.skipIf(!HAVE_CHROMIUM)("reports in headless Chromium", () => {
  it("trace report: topology, heatmaps, prediction, before/after, migration timeline", async () => {
    const { kind, html } = await buildReport(join(REPO_ROOT, "traces/bsp-phases-8.trace"));
    expect(kind).toBe("trace");
    const r = await render(html, "trace");
    expect(r.errors).toEqual([]);
    expect(r.requests).toEqual([]);
    expect(r.ids).toEqual(expect.arrayContaining(["topology-1", "topology-2", "matrix-0", "matrix-5", "pairs-over-time", "prediction", "plan-objective-before-after", "plan-migration-timeline", "plan-placement-before", "plan-placement-after"]));
    expect(r.paths).toBeGreaterThan(20);
    expect(r.emptyPaths).toBe(0);
  });

  it("plan report from vadapt plan's JSON", async () => {
    const report = await runWhatIf(join(REPO_ROOT, "traces/bsp-ring-8.trace"), { config: loadConfig(undefined, {}) });
    const file = join(dir, "plan.json");
    writeFileSync(file, JSON.stringify(report));
    const { kind, html } = await buildReport(file);
    expect(kind).toBe("plan");
    const r = await render(html, "plan");
    expect(r.errors).toEqual([]);
    expect(r.ids).toEqual(["objective-before-after", "migration-timeline", "placement-before", "placement-after"]);
    expect(r.emptyPaths).toBe(0);
  });

  it("results report: algorithm comparison with intervals", async () => {
    const config = parseExperimentConfig(
      {
        name: "report-test",
        topologies: [{ name: "star4", synthetic: { shape: "star", sites: 4, mbps: 100, latencyMs: 5 } }],
        patterns: [{ name: "ring8", kind: "ring", vms: 8 }],
        algorithms: ["greedy", "random", "traffic-aware", "stay"],
        objectives: ["traffic-cost", "max-utilization"],
        seeds: { count: 3 },
      },
      "t.json",
    );
    const out = join(dir, "results");
    await runExperiment({ config, configPath: "t.json", dataDir: dir, outDir: out, threads: 1, version: { package: "test", commit: null } });
    const { kind, html } = await buildReport(out);
    expect(kind).toBe("results");
    const r = await render(html, "results");
    expect(r.errors).toEqual([]);
    expect(r.ids).toEqual(["cmp-0", "cmp-1", "ba-0", "ba-1", "gain-0", "gain-1", "mig-0", "mig-1", "runtime"]);
    expect(r.emptyPaths).toBe(0);
    // three seeds: every comparison point has its confidence whisker
    expect((html.match(/class="ci"/g) ?? []).length).toBeGreaterThanOrEqual(8);
  });
});
