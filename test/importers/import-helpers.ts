/** Helpers for the mpi/load/rtt/bw importer tests: write an imported trace and read it back through the strict reader. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { openTrace } from "../../src/adapters/trace/reader.js";
import { InputError } from "../../src/core/errors.js";
import type { TraceEvent, TraceHeader } from "../../src/core/trace/events.js";
import type { ImportedTrace } from "../../src/importers/types.js";
import { writeImported } from "../../src/importers/write.js";

/** Writes the trace to a temp file and reads it back strictly (schema, references, time order). */
export async function roundTrip(imported: ImportedTrace): Promise<{ header: TraceHeader; events: TraceEvent[] }> {
  const dir = mkdtempSync(join(tmpdir(), "vadapt-import-"));
  try {
    const file = join(dir, "t.trace");
    const n = await writeImported(file, imported);
    const reader = await openTrace(file, { mode: "strict" });
    const events: TraceEvent[] = [];
    for await (const b of reader.batches()) for (const e of b) events.push(e);
    expect(events.length).toBe(n);
    return { header: reader.header, events };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Drains an imported trace's events, checking their time order, without keeping them. */
export async function drain<T>(imported: ImportedTrace, visit: (e: TraceEvent) => T = () => undefined as T): Promise<number> {
  let n = 0;
  let last = -Infinity;
  for await (const e of imported.events) {
    if (e.tMs < last) throw new Error(`event ${n} goes back in time: ${e.tMs} < ${last}`);
    last = e.tMs;
    visit(e);
    n++;
  }
  return n;
}

/** Asserts that `f` throws an InputError naming `file`, a line, and one of `fields`. */
export function expectInputError(f: () => unknown, file: string, fields: readonly string[]): InputError | undefined {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    const err = e as InputError;
    expect(err.location.file).toBe(file);
    expect(err.location.line).toBeGreaterThan(0);
    expect(fields.some((x) => err.location.field === x || (x.endsWith("*") && (err.location.field ?? "").startsWith(x.slice(0, -1)))), `field ${err.location.field}`).toBe(true);
    expect(err.message).toContain(file);
    return err;
  }
  return undefined;
}
