/**
 * Shared pieces of the text importers' parsers: strict or lenient handling of bad lines, and number fields that
 * fail with an {@link InputError} naming file, line and field.
 */
import { InputError, type InputLocation } from "../core/errors.js";

/** `strict` stops at the first bad line; `lenient` skips it, counts it and goes on. */
export type ParseMode = "strict" | "lenient";

/** Options every text parser takes. */
export interface ParseOptions {
  /** File name for error messages. */
  readonly file?: string;
  /** Default `strict`. */
  readonly mode?: ParseMode;
  /** Called for every line skipped in lenient mode. */
  readonly onBadLine?: (error: InputError) => void;
}

/**
 * Decides what happens to a bad line: rethrows in strict mode (and always for errors that are not
 * {@link InputError}s), otherwise reports it to `onBadLine` and returns so the caller skips the line.
 */
export function handleBadLine(error: unknown, options: ParseOptions): void {
  if (!(error instanceof InputError) || (options.mode ?? "strict") === "strict") throw error;
  options.onBadLine?.(error);
}

/**
 * Counts skipped lines and keeps the first few errors, for an importer's warnings. Pass `sink.add` as
 * `onBadLine`.
 */
export class BadLines {
  count = 0;
  readonly first: InputError[] = [];
  private readonly keep: number;
  constructor(keep = 5) {
    this.keep = keep;
  }
  readonly add = (error: InputError): void => {
    this.count++;
    if (this.first.length < this.keep) this.first.push(error);
  };
  /** One warning line per kept error plus a count, or nothing when no line was skipped. */
  warnings(what: string): string[] {
    if (this.count === 0) return [];
    return [`skipped ${this.count} malformed ${what}${this.count === 1 ? "" : "s"} (lenient mode); first: ${this.first.map((e) => e.message).join(" | ")}`];
  }
}

const INTEGER = /^\d+$/;

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isBlank = (c: number): boolean => c === 32 || c === 9;

/**
 * Whether `s` is a plain decimal number (optional sign, digits with an optional fraction, optional exponent),
 * optionally surrounded by spaces or tabs: what `Number(s)` reads, minus hex/binary/octal, `Infinity` and blanks.
 * A hand-rolled scan: no regex, no trimmed copy (load files have millions of fields).
 */
function isDecimal(s: string): boolean {
  const n = s.length;
  let i = 0;
  while (i < n && isBlank(s.charCodeAt(i))) i++;
  if (i < n && (s.charCodeAt(i) === 43 || s.charCodeAt(i) === 45)) i++;
  let digits = 0;
  while (i < n && isDigit(s.charCodeAt(i))) (i++, digits++);
  if (i < n && s.charCodeAt(i) === 46) {
    i++;
    while (i < n && isDigit(s.charCodeAt(i))) (i++, digits++);
  }
  if (digits === 0) return false;
  if (i < n && (s.charCodeAt(i) | 32) === 101) {
    i++;
    if (i < n && (s.charCodeAt(i) === 43 || s.charCodeAt(i) === 45)) i++;
    let exp = 0;
    while (i < n && isDigit(s.charCodeAt(i))) (i++, exp++);
    if (exp === 0) return false;
  }
  while (i < n && isBlank(s.charCodeAt(i))) i++;
  return i === n;
}

/** Parses a decimal number field (no empty strings, NaN or Infinity); throws an {@link InputError} naming it. */
export function parseNumber(text: string, where: InputLocation, field: string, opts: { min?: number } = {}): number {
  if (!isDecimal(text)) throw new InputError({ ...where, field }, `'${clip(text.trim())}' is not a number`);
  const v = +text;
  if (!Number.isFinite(v)) throw new InputError({ ...where, field }, `'${clip(text.trim())}' is out of range`);
  if (opts.min !== undefined && v < opts.min) throw new InputError({ ...where, field }, `${v} is below the minimum ${opts.min}`);
  return v;
}

/** Parses a non-negative integer field (digits only, at most 2^53 - 1). */
export function parseIndex(text: string, where: InputLocation, field: string): number {
  const s = text.trim();
  if (!INTEGER.test(s)) throw new InputError({ ...where, field }, `'${clip(s)}' is not a non-negative integer`);
  const v = Number(s);
  if (!Number.isSafeInteger(v)) throw new InputError({ ...where, field }, `${clip(s)} is too large`);
  return v;
}

/** Shortens a quoted value for an error message. */
export function clip(s: string, max = 40): string {
  return s.length <= max ? s : `${s.slice(0, max)}...`;
}

/** Splits text into lines (`\n` or `\r\n`), each with its 1-based number; empty lines are dropped. */
export function numberedLines(text: string): Array<{ text: string; line: number }> {
  const out: Array<{ text: string; line: number }> = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    let t = lines[i]!;
    if (t.endsWith("\r")) t = t.slice(0, -1);
    if (t.trim() !== "") out.push({ text: t, line: i + 1 });
  }
  return out;
}
