/** Helpers for importers' warning messages. */

/** The first few names of a list, for a warning: `a, b, c and 12 more`. */
export function sample(names: readonly string[], max = 5): string {
  const head = names.slice(0, max).join(", ");
  return names.length > max ? `${head} and ${names.length - max} more` : head;
}
