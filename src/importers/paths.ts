/** Expanding importer inputs: files as given, directories walked recursively, in natural order. */
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { IoError } from "../core/errors.js";

const natural = new Intl.Collator("en", { numeric: true, sensitivity: "variant" });

/** Compares names so that `2.csv.gz` sorts before `10.csv.gz`. */
export function naturalCompare(a: string, b: string): number {
  return natural.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * The regular files named by `paths`: a file as is, a directory's files recursively (hidden names skipped),
 * each directory's entries in natural order. A missing path is an {@link IoError}.
 */
export async function expandInputs(paths: readonly string[], keep: (name: string) => boolean = () => true): Promise<string[]> {
  const out: string[] = [];
  const walk = async (p: string, top: boolean): Promise<void> => {
    const st = await stat(p).catch((e: unknown) => {
      throw new IoError(p, `cannot open: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    });
    if (st.isDirectory()) {
      const names = (await readdir(p)).filter((n) => !n.startsWith(".")).sort(naturalCompare);
      for (const n of names) await walk(join(p, n), false);
    } else if (top || keep(p)) {
      out.push(p);
    }
  };
  for (const p of paths) await walk(p, true);
  return out;
}
