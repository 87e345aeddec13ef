import { DType } from '../core/dtype';
import { Dim, formatShape, SymShape } from '../core/shape';
import { isTensor, Tensor } from '../core/tensor';
import { isSymbolic } from '../ops/engine';
import { warn } from '../core/warn';
import type { ExprGraph, InputSpec } from '../ir/expr';
import { optimizeExpr, PassRecord } from '../ir/optimize-hook';
import { formatExprGraph } from '../ir/format';
import { prepareGraph, PreparedGraph } from './interpret';
import { traceGraph } from './trace';

/** A tensor argument's type for `inputSignature`: a dtype and a shape, null for any size in a dimension. */
export interface TensorSpec {
  readonly dtype: DType;
  readonly shape: readonly Dim[];
}

/** `spec([null, 3], 'float32')`: any number of rows of 3. */
export function spec(shape: readonly Dim[], dtype: DType): TensorSpec {
  return Object.freeze({ dtype, shape: Object.freeze([...shape]) });
}

let runEagerly = false;

/** While on, every compiled function and pipeline runs eagerly (for debugging), as TF's run_functions_eagerly. */
export function setRunEagerly(on: boolean): void {
  runEagerly = on;
}
export function runsEagerly(): boolean {
  return runEagerly;
}

export interface FnOptions {
  readonly inputSignature?: readonly TensorSpec[];
  /** The name used in explain() and warnings (default: the function's name). */
  readonly name?: string;
  /** Switch optimizer passes off or on by name (the runtime installs the optimizer). */
  readonly passes?: Readonly<Record<string, boolean>>;
}

export type CompiledFunction<F extends (...args: any[]) => any> = F & {
  readonly traceCount: number;
  signatures(): string[];
  explain(): string;
  /** The traced graphs, one per signature (for the optimizer and saved graphs). */
  graphs(): ExprGraph[];
};

/** One argument as the trace cache sees it. */
type ArgSig =
  | { readonly kind: 'tensor'; readonly dtype: DType; readonly shape: SymShape }
  | { readonly kind: 'value'; readonly value: unknown };

interface Trace {
  readonly key: string;
  readonly sigs: readonly ArgSig[];
  readonly traced: ExprGraph;
  readonly log: readonly PassRecord[];
  readonly prepared: PreparedGraph;
}

const RETRACE_WINDOW = 10;
const RETRACE_LIMIT = 5;

/**
 * Weir's `tf.function`: calling the result with tensors runs a graph traced once per input signature (each
 * tensor argument's dtype and shape; plain JS values by value). Plain JS side effects in f run only while
 * tracing; `ops.print` runs every call.
 *
 * ```ts
 * const power = fn((x: Tensor, n: number) => {
 *   let r = ops.eye(x.shape[0], x.dtype);
 *   for (let i = 0; i < n; i++) r = ops.matmul(r, x);   // unrolled while tracing
 *   return r;
 * });
 * power(tensor([[1, 1], [0, 1]], 'int32'), 3);
 * ```
 */
export function fn<F extends (...args: any[]) => any>(f: F, options: FnOptions = {}): CompiledFunction<F> {
  const name = options.name ?? (f.name || 'anonymous');
  const paramNames = parameterNames(f);
  const traces = new Map<string, Trace>();
  const recent: boolean[] = [];
  let lastSigs: readonly ArgSig[] | null = null;
  let traceCount = 0;
  let warned = false;

  const argName = (i: number) => (paramNames[i] !== undefined ? `'${paramNames[i]}' (argument ${i})` : `argument ${i}`);

  const call = (...args: unknown[]): unknown => {
    // Inside another trace, or while debugging eagerly: run f itself (a nested fn inlines into the outer graph).
    if (runEagerly || args.some(isSymbolic)) return f(...args);
    const sigs = args.map((a, i) => signatureOf(a, i, options.inputSignature, name, argName));
    const key = sigs.map(sigKey).join('|');
    let trace = traces.get(key);
    const retraced = trace === undefined;
    if (trace === undefined) {
      const inputs: InputSpec[] = [];
      const positions: number[] = [];
      sigs.forEach((s, i) => {
        if (s.kind === 'tensor') {
          positions.push(i);
          inputs.push({ name: paramNames[i] ?? `args[${i}]`, dtype: s.dtype, shape: s.shape });
        }
      });
      const graph = traceGraph(inputs, (tracers) => {
        const full = [...args];
        positions.forEach((p, j) => (full[p] = tracers[j]));
        return full;
      }, f as (...a: unknown[]) => unknown);
      const optimized = optimizeExpr(graph, { passes: options.passes });
      trace = { key, sigs, traced: graph, log: optimized.log, prepared: prepareGraph(optimized.graph) };
      traces.set(key, trace);
      traceCount++;
    }
    recent.push(retraced);
    if (recent.length > RETRACE_WINDOW) recent.shift();
    if (retraced && !warned && lastSigs !== null && recent.filter(Boolean).length >= RETRACE_LIMIT) {
      warned = true;
      warn('WeirRetraceWarning', retraceMessage(name, lastSigs, sigs, argName));
    }
    lastSigs = sigs;
    return trace.prepared.run(args.filter((_, i) => sigs[i].kind === 'tensor'));
  };

  Object.defineProperties(call, {
    traceCount: { get: () => traceCount },
    signatures: { value: () => [...traces.values()].map((t) => formatSignature(t.sigs, paramNames)) },
    graphs: { value: () => [...traces.values()].map((t) => t.prepared.graph) },
    explain: {
      value: () =>
        [...traces.values()]
          .map((t) => explainTrace(name + formatSignature(t.sigs, paramNames), t))
          .join('\n\n') || `fn ${name}: not traced yet (call it once)`,
    },
    name: { value: name },
  });
  return call as CompiledFunction<F>;
}

function explainTrace(title: string, t: Trace): string {
  if (t.log.length === 0) return `fn ${title}\n${formatExprGraph(t.prepared.graph)}`;
  const parts = [`fn ${title}, as traced (${t.traced.nodes.length} nodes):`, formatExprGraph(t.traced)];
  for (const r of t.log) parts.push(`after ${r.pass}: ${r.summary}`, formatExprGraph(r.after));
  return parts.join('\n');
}

function signatureOf(
  a: unknown, i: number, signature: readonly TensorSpec[] | undefined, name: string, argName: (i: number) => string,
): ArgSig {
  if (isTensor(a)) {
    const s = signature?.[i];
    if (s === undefined) return { kind: 'tensor', dtype: a.dtype, shape: a.shape };
    const fits = s.dtype === a.dtype && s.shape.length === a.rank && s.shape.every((d, j) => d === null || d === a.shape[j]);
    if (!fits) {
      throw new TypeError(
        `fn '${name}': ${argName(i)} is ${a.dtype}${formatShape(a.shape)}, which does not match its inputSignature ${s.dtype}${formatShape(s.shape)}`,
      );
    }
    return { kind: 'tensor', dtype: s.dtype, shape: s.shape };
  }
  if (signature?.[i] !== undefined) {
    throw new TypeError(`fn '${name}': ${argName(i)} must be a Tensor (its inputSignature is ${signature[i].dtype}${formatShape(signature[i].shape)})`);
  }
  return { kind: 'value', value: a };
}

function sigKey(s: ArgSig): string {
  return s.kind === 'tensor' ? `t:${s.dtype}${formatShape(s.shape)}` : `v:${valueKey(s.value)}`;
}

/**
 * A plain argument's cache key. Numbers are keyed so that NaN, Infinity, -Infinity and -0 each get their own
 * trace (JSON would map the first three to null and -0 to 0, and reuse a trace made for another value).
 */
function valueKey(v: unknown): string {
  if (isTensor(v)) return `T${v.dtype}${formatShape(v.shape)}`;
  if (typeof v === 'function') return `f:${v.name}`;
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  try {
    return JSON.stringify(v, (_, x) => (typeof x === 'number' && (!Number.isFinite(x) || Object.is(x, -0)) ? `#num:${Object.is(x, -0) ? '-0' : x}` : x)) ?? String(v);
  } catch {
    return String(v);
  }
}

function formatSignature(sigs: readonly ArgSig[], names: readonly string[]): string {
  return `(${sigs
    .map((s, i) => `${names[i] ?? `args[${i}]`}: ${s.kind === 'tensor' ? `${s.dtype}${formatShape(s.shape)}` : valueKey(s.value)}`)
    .join(', ')})`;
}

/** Says exactly what changed between the last signature and this one, and how to avoid retracing. */
function retraceMessage(name: string, prev: readonly ArgSig[], next: readonly ArgSig[], argName: (i: number) => string): string {
  const changes: string[] = [];
  const fixes = new Set<string>();
  for (let i = 0; i < Math.max(prev.length, next.length); i++) {
    const a = prev[i];
    const b = next[i];
    if (a === undefined || b === undefined) {
      changes.push(`the number of arguments changed from ${prev.length} to ${next.length}`);
      break;
    }
    if (a.kind === 'value' && b.kind === 'value') {
      if (valueKey(a.value) !== valueKey(b.value)) {
        changes.push(`${argName(i)} is a plain JS value and changed from ${valueKey(a.value)} to ${valueKey(b.value)}`);
        fixes.add('pass tensors instead of plain numbers (each new value traces a new graph)');
      }
    } else if (a.kind === 'tensor' && b.kind === 'tensor') {
      if (a.dtype !== b.dtype) changes.push(`${argName(i)} changed dtype from ${a.dtype} to ${b.dtype}`);
      if (a.shape.length !== b.shape.length) {
        changes.push(`${argName(i)} changed rank from ${a.shape.length} to ${b.shape.length} (${formatShape(a.shape)} -> ${formatShape(b.shape)})`);
      } else {
        a.shape.forEach((d, j) => {
          if (d !== b.shape[j]) changes.push(`${argName(i)} dimension ${j} changed from ${d} to ${b.shape[j]}`);
        });
      }
      const generic = a.shape.length === b.shape.length ? a.shape.map((d, j) => (d === b.shape[j] ? d : null)) : null;
      if (generic !== null) fixes.add(`give inputSignature with spec(${JSON.stringify(generic)}, '${b.dtype}') for ${argName(i)}`);
    } else {
      changes.push(`${argName(i)} changed from a ${a.kind === 'tensor' ? 'tensor' : 'plain value'} to a ${b.kind === 'tensor' ? 'tensor' : 'plain value'}`);
    }
  }
  return (
    `fn '${name}' retraced ${RETRACE_LIMIT} or more times in its last ${RETRACE_WINDOW} calls, which is slow. ` +
    `Last change: ${changes.join('; ') || 'none'}. To avoid it: ${[...fixes].join('; ') || 'keep argument types and shapes stable'}.`
  );
}

/** Parameter names from the function's source, for messages only (never evaluated). */
function parameterNames(f: (...args: any[]) => any): string[] {
  const src = Function.prototype.toString.call(f);
  const m = /^(?:async\s*)?(?:function\s*\*?\s*[\w$]*\s*)?\(([^)]*)\)/.exec(src) ?? /^(?:async\s*)?([\w$]+)\s*=>/.exec(src);
  if (m === null) return [];
  return m[1]
    .split(',')
    .map((p) => p.trim().replace(/[:=].*$/, '').replace(/^\.\.\./, '').trim())
    .filter((p) => /^[\w$]+$/.test(p));
}

export type { Tensor };
