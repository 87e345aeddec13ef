import { isTensor } from '@weir/dataflow';

/**
 * The debugger's `until` conditions: `field op literal`, optionally scoped to a stage (`map#1: mean > 3`).
 * A tiny grammar parsed by a regular expression and evaluated by a table of comparisons; user text is never
 * evaluated as code.
 *
 *   path    := name ('.' name)*          a record field (nested with dots); `value` is a bare element
 *   op      := == | = | != | < | <= | > | >=
 *   literal := number | "text" | 'text' | true | false
 *
 * A tensor field matches when any of its elements does.
 *
 * ```ts
 * parsePredicate('sensor == "s2"').test({ sensor: 's2' }); // true
 * parsePredicate('map#1: y > 0.5').stage;                   // 'map#1'
 * ```
 */
export interface Predicate {
  readonly stage: string | undefined;
  readonly text: string;
  test(value: unknown): boolean;
}

type Op = '==' | '!=' | '<' | '<=' | '>' | '>=';
type Literal = number | string | boolean;

const COMPARE: Readonly<Record<Op, (a: number | string | boolean, b: Literal) => boolean>> = {
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
  '<': (a, b) => typeof a === typeof b && a < b,
  '<=': (a, b) => typeof a === typeof b && a <= b,
  '>': (a, b) => typeof a === typeof b && a > b,
  '>=': (a, b) => typeof a === typeof b && a >= b,
};

const PATTERN = /^\s*(?:([A-Za-z]+#\d+|source)\s*:\s*)?([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\s*(==|!=|<=|>=|=|<|>)\s*(.+?)\s*$/;

export class PredicateError extends Error {
  override readonly name = 'PredicateError';
}

export function parsePredicate(text: string): Predicate {
  const m = PATTERN.exec(text);
  if (m === null) {
    throw new PredicateError(`cannot read condition '${text}'; expected [stage:] field op value, e.g. value > 10, sensor == "a", map#1: mean >= 0.5`);
  }
  const [, stage, path, rawOp, rawLiteral] = m;
  const op: Op = rawOp === '=' ? '==' : (rawOp as Op);
  const literal = parseLiteral(rawLiteral);
  const fields = path.split('.');
  return {
    stage,
    text: text.trim(),
    test: (value) => {
      const v = resolve(value, fields);
      if (v === undefined) return false;
      if (isTensor(v)) {
        const bool = v.dtype === 'bool';
        for (let i = 0; i < v.size; i++) if (COMPARE[op](bool ? v.data[i] !== 0 : v.data[i], literal)) return true;
        return false;
      }
      return (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') && COMPARE[op](v, literal);
    },
  };
}

function parseLiteral(raw: string): Literal {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  const quoted = /^"((?:[^"\\]|\\.)*)"$|^'((?:[^'\\]|\\.)*)'$/.exec(raw);
  if (quoted) return (quoted[1] ?? quoted[2]).replace(/\\(.)/g, '$1');
  const n = Number(raw);
  if (raw.trim() !== '' && !Number.isNaN(n)) return n;
  throw new PredicateError(`cannot read '${raw}' as a value; expected a number, true, false or a quoted "text"`);
}

function resolve(value: unknown, fields: readonly string[]): unknown {
  // A bare element (a number or tensor, not a record) is addressed as `value`.
  if (fields.length === 1 && fields[0] === 'value' && (typeof value !== 'object' || value === null || isTensor(value))) return value;
  let v: unknown = value;
  for (const f of fields) {
    if (typeof v !== 'object' || v === null || isTensor(v) || !Object.prototype.hasOwnProperty.call(v, f)) return undefined;
    v = (v as Record<string, unknown>)[f];
  }
  return v;
}
