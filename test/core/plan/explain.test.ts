import { describe, expect, it } from "vitest";
import type { HostId, VmId } from "../../../src/core/model/ids.js";
import { explainMigration } from "../../../src/core/plan/build.js";

const h = (s: string): HostId => s as HostId;
const v = (s: string): VmId => s as VmId;
const before = new Map<VmId, HostId>([
  [v("a"), h("h1")],
  [v("b"), h("h2")],
  [v("c"), h("h2")],
  [v("d"), h("h1")],
]);

describe("explainMigration", () => {
  const cases = [
    {
      name: "a move that co-locates a VM with its peers names them and the traffic kept local",
      vm: "a", from: "h1", to: "h2", after: { a: "h2" },
      demands: [{ src: "a", dst: "b", mbps: 30 }, { src: "c", dst: "a", mbps: 10 }, { src: "a", dst: "d", mbps: 5 }],
      want: "on h2 with b, c, 40.0 of its 45.0 Mbit/s stays on one host (was 5.0)",
    },
    {
      name: "a VM without demands makes room",
      vm: "d", from: "h1", to: "h2", after: { d: "h2" }, demands: [{ src: "a", dst: "b", mbps: 30 }],
      want: "the new placement puts it on h2 (it has no demand of its own: it makes room or balances load)",
    },
    {
      name: "a move that keeps nothing local is explained by routing",
      vm: "a", from: "h1", to: "h3", after: { a: "h3" }, demands: [{ src: "a", dst: "b", mbps: 0.5 }],
      want: "its 0.50 Mbit/s takes wider paths from h3 (0 Mbit/s local, was 0)",
    },
  ] as const;
  for (const c of cases) {
    it(c.name, () => {
      expect(explainMigration(v(c.vm), h(c.from), h(c.to), before, c.after as Record<string, string> as Record<string, HostId>, c.demands)).toBe(c.want);
    });
  }
});
