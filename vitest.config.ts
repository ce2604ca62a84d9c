import { defineConfig } from "vitest/config";

/**
 * Two groups, run one after the other: the unit, property and real-data tests (files in parallel), then the
 * system tests (a real nats-server, Linux namespaces, timing-sensitive), one file at a time with the machine to
 * themselves.
 */
const system = ["test/integration/**/*.test.ts", "test/linux/**/*.test.ts"];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["test/**/*.test.ts"], exclude: system, sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: { name: "system", include: system, fileParallelism: false, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
