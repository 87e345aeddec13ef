import { DType, DTYPES, isDType } from '../core/dtype';
import type { Dim } from '../core/shape';

// Reading a saved plan's JSON defensively (validate.ts): every problem is a PlanFormatError naming where it is.

/** JSON has no NaN, infinities or -0; where a JSON value stands for a number they are written by name. */
export const SPECIAL_NUMBERS: ReadonlyMap<string, number> = new Map([
  ['NaN', NaN], ['Infinity', Infinity], ['-Infinity', -Infinity], ['-0', -0],
]);

/** The name a number is written under in a plan, or null when it is an ordinary JSON number. */
export function specialNumberName(v: number): string | null {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (Object.is(v, -0)) return '-0';
  return null;
}

/**
 * A key that becomes a property of an object Weir builds (a record field, an attr name) must not name a
 * property every object already has: `__proto__` would replace the prototype, and `constructor` or
 * `toString` would shadow methods that other code calls.
 */
export function isSafeKey(k: string): boolean {
  return !(k in Object.prototype) && k !== 'prototype';
}

/** A saved plan that cannot be loaded: the message says what is wrong and where (`where` + `problem`). */
export class PlanFormatError extends Error {
  constructor(
    readonly where: string,
    readonly problem: string,
    readonly file?: string,
  ) {
    super(`Cannot load Weir plan${file === undefined ? '' : ` '${file}'`}: ${where} ${problem}`);
    this.name = 'PlanFormatError';
  }
}

// ---------------------------------------------------------------------------------------------------------
// Reading JSON values defensively

export type JsonObject = { readonly [k: string]: unknown };

export const MAX_DIM = 2 ** 31 - 1;
const MAX_RANK = 64;
export const MAX_DEPTH = 64;

export function fail(where: string, problem: string): never {
  throw new PlanFormatError(where, problem);
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max)}...` : s;
}

/** A value from the file, shown in a message: JSON, clipped, so a planted payload cannot flood the message. */
export function show(v: unknown): string {
  let s: string | undefined;
  try {
    s = JSON.stringify(v);
  } catch {
    s = undefined;
  }
  return clip(s ?? kindOf(v), 60);
}

/** A name from the file (an op, a key) inside quotes: escaped and clipped. */
export function quoted(name: string): string {
  return `'${JSON.stringify(clip(name, 40)).slice(1, -1)}'`;
}

export function kindOf(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v}`;
}

export function object(v: unknown, where: string, what: string): JsonObject {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(where, `is ${kindOf(v)}; expected ${what}`);
  return v as JsonObject;
}

/** Rejects fields the format does not have (a typo or a tampered file) and requires the ones it needs. */
export function fields(o: JsonObject, where: string, allowed: readonly string[], required: readonly string[]): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) fail(where, `has an unknown field ${quoted(k)}`);
  for (const k of required) if (!Object.hasOwn(o, k)) fail(where, `has no '${k}' field`);
}

export function get(o: JsonObject, key: string): unknown {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

export function array(v: unknown, where: string, name: string, max: number): readonly unknown[] {
  if (!Array.isArray(v)) fail(where, `has ${name} ${show(v)}; expected an array`);
  if (v.length > max) fail(where, `has ${v.length} ${name}; at most ${max} are allowed`);
  return v;
}

export function integer(v: unknown, where: string, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    fail(where, `has ${name} ${show(v)}; expected an integer ${max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`}`);
  }
  return v;
}

export function optionalBoolean(o: JsonObject, key: string, where: string): boolean | undefined {
  const v = get(o, key);
  if (v !== undefined && typeof v !== 'boolean') fail(where, `has ${key} ${show(v)}; expected true or false`);
  return v;
}

export function readDType(v: unknown, where: string): DType {
  if (!isDType(v)) fail(where, `has dtype ${show(v)}; expected one of ${DTYPES.join(', ')}`);
  return v;
}

/** A shape: non-negative integers, and null (unknown) where `symbolic` allows it. */
export function readShape(v: unknown, where: string, symbolic: boolean): Dim[] {
  const ok = Array.isArray(v) && v.length <= MAX_RANK &&
    v.every((d) => (symbolic && d === null) || (typeof d === 'number' && Number.isInteger(d) && d >= 0 && d <= MAX_DIM));
  if (!ok) {
    fail(where, `has shape ${show(v)}; expected an array of at most ${MAX_RANK} non-negative integers${symbolic ? ' or null' : ''}`);
  }
  return [...(v as Dim[])];
}

export function readKey(v: unknown, where: string, what: string): string {
  if (typeof v !== 'string' || v.length > 256) fail(where, `has ${what} ${show(v)}; expected a string of at most 256 characters`);
  if (!isSafeKey(v)) fail(where, `has ${what} ${quoted(v)}, which names a built-in property of JS objects; it cannot be used as a key`);
  return v;
}

/** A JSON scalar slot (an output literal, a seed value): special numbers come as `{"number": "NaN"}`. */
export function readScalar(v: unknown, where: string): string | number | boolean | null {
  if (v === null || typeof v === 'boolean' || typeof v === 'number') return v;
  if (typeof v === 'string') {
    if (v.length > 100_000) fail(where, `is a string of ${v.length} characters; at most 100000 are allowed`);
    return v;
  }
  if (typeof v === 'object' && !Array.isArray(v)) {
    const o = v as JsonObject;
    const name = get(o, 'number');
    if (Object.keys(o).length === 1 && typeof name === 'string' && SPECIAL_NUMBERS.has(name)) return SPECIAL_NUMBERS.get(name) as number;
  }
  fail(where, `is ${show(v)}; expected a number, a string, a boolean, null or {"number": "NaN" | "Infinity" | "-Infinity" | "-0"}`);
}

/** `[[key, value], ...]` with safe, distinct keys (records are written as pairs to keep their field order). */
export function readPairs(v: unknown, where: string): [string, unknown][] {
  const seen = new Set<string>();
  return array(v, where, 'fields', 100_000).map((p, i) => {
    if (!Array.isArray(p) || p.length !== 2) fail(`${where}, fields[${i}]`, `is ${show(p)}; expected a [name, value] pair`);
    const k = readKey(p[0], `${where}, fields[${i}]`, 'name');
    if (seen.has(k)) fail(`${where}, fields[${i}]`, `repeats the field name ${quoted(k)}`);
    seen.add(k);
    return [k, p[1]];
  });
}
