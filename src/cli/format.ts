/** Small formatting helpers for human-readable CLI output. */

/** 1234567 → "1.23 MB" (decimal units). */
export function formatBytes(n: number): string {
  const units = ["B", "kB", "MB", "GB", "TB", "PB"];
  let v = n;
  let u = 0;
  while (Math.abs(v) >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(2)} ${units[u]}`;
}

/** Renders rows as a left-aligned text table with a header row. */
export function table(headers: readonly string[], rows: ReadonlyArray<readonly (string | number)[]>): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? "").length)));
  return cells.map((r) => r.map((v, c) => (v ?? "").padEnd(widths[c] ?? 0)).join("  ").trimEnd()).join("\n");
}

/** Milliseconds as a compact duration: "1d 2h 3m 4.5s". */
export function formatDuration(ms: number): string {
  let s = ms / 1000;
  const parts: string[] = [];
  for (const [unit, size] of [["d", 86400], ["h", 3600], ["m", 60]] as const) {
    if (s >= size) {
      parts.push(`${Math.floor(s / size)}${unit}`);
      s %= size;
    }
  }
  if (s > 0 || parts.length === 0) parts.push(`${Number(s.toFixed(3))}s`);
  return parts.join(" ");
}
