import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { expect, it } from "vitest";
import { parseExperimentConfig } from "../../src/core/experiment/config.js";
import { expandGrid } from "../../src/core/experiment/grid.js";
import { runCell } from "../../src/core/experiment/run-cell.js";
import { readExperimentInputs } from "../../src/harness/inputs.js";
import { describeWithData, REPO_ROOT } from "../helpers/data.js";

const file = join(REPO_ROOT, "experiments/vadapt-study.json");

describeWithData("the shipped study (experiments/vadapt-study.json)", () => {
  it("is valid, reads its real inputs, and one cell of each algorithm runs and is checked", async () => {
    const config = parseExperimentConfig(JSON.parse(readFileSync(file, "utf8")), file);
    const cells = expandGrid(config);
    expect(cells).toHaveLength(1120);
    const inputs = await readExperimentInputs(config, resolve(dirname(file), config.dataDir!));
    expect(Object.keys(inputs.topologies)).toEqual(["abilene", "geant2009"]);
    expect(inputs.loads.bitbrains!.length).toBeGreaterThan(10);
    // the first scenario with load, every algorithm; fewer annealing moves to stay quick
    const scenario = cells.find((c) => c.load.kind === "trace")!.scenario;
    for (const cell of cells.filter((c) => c.scenario === scenario)) {
      const m = await runCell(inputs, { ...cell, solver: { ...cell.solver, iterations: 200 } }, { clock: () => performance.now() });
      expect(m.vms).toBe(64);
      expect(m.agrees).toBe(true);
      if (cell.label === "greedy") expect(m.after.feasible).toBe(true);
      if (cell.label === "stay") expect(m.after.migrations).toBe(0);
    }
  });
});
