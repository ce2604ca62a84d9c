import { describe, expect, it } from "vitest";
import { htmlPage } from "../../src/core/report/html.js";
import { ciChart, esc, graphChart, heatmap, lineChart, niceTicks, timelineChart } from "../../src/core/report/svg.js";

describe("report SVG builders", () => {
  const evil = `<script>alert("x")</script>&'`;

  it("escape every piece of text", () => {
    expect(esc(evil)).toBe("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;");
    const svgs = [
      ciChart("a", evil, evil, [{ label: evil, mean: 1, low: 0, high: 2, note: evil }]),
      graphChart("b", evil, [{ id: evil }, { id: "v" }], [{ from: evil, to: "v", weight: 1 }]),
      heatmap("c", evil, [evil], [evil], [[1]]),
      lineChart("d", evil, evil, evil, [{ name: evil, xs: [0, 1], ys: [1, 2] }]),
      timelineChart("e", evil, [evil], [{ tMs: 1, lane: 0, label: evil }], [0, 10]),
    ];
    for (const s of svgs) {
      expect(s).not.toContain("<script");
      expect(s).toMatch(/^<svg id="[a-e]"/);
      expect(s.endsWith("</svg>")).toBe(true);
    }
    const page = htmlPage(evil, [evil], [{ id: "s", title: evil, note: evil, plots: svgs, table: { head: [evil], rows: [[evil]] } }], evil);
    expect(page).not.toContain("<script");
    expect(page).not.toMatch(/(src|href)=/);
  });

  it("tolerate empty and degenerate data", () => {
    expect(ciChart("a", "t", "x", [{ label: "none", mean: Number.NaN, low: null, high: null }])).toContain("no feasible result");
    expect(lineChart("l", "t", "x", "y", [{ name: "flat", xs: [1, 1], ys: [3, 3] }])).toContain("<path");
    expect(heatmap("h", "t", [], [], [])).toContain("<svg");
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(-3, 7, 5)).toEqual([-2, 0, 2, 4, 6]);
  });
});
