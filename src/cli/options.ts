/** Shared option parsers for the CLI (commander's argParser functions). */
import { InvalidArgumentError } from "commander";
import { ConfigError } from "../core/errors.js";

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`'${value}' is not a positive integer`);
  return n;
}

export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`'${value}' is not a non-negative integer`);
  return n;
}

export function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`'${value}' is not a non-negative number`);
  return n;
}

/** `--strict` (default) or `--lenient`; both at once is an error. */
export function readModeOption(opts: { strict?: boolean; lenient?: boolean }): "strict" | "lenient" {
  if (opts.strict === true && opts.lenient === true) throw new ConfigError("options", ["--strict and --lenient exclude each other"]);
  return opts.lenient === true ? "lenient" : "strict";
}
