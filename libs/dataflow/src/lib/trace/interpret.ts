import { allocate } from '../core/dtype';
import { Shape, sizeOf } from '../core/shape';
import { Tensor } from '../core/tensor';
import { Attrs, getContract, OpKind, ValueInfo } from '../ops/contract';
import { getBackend } from '../ops/engine';
import { getKernel, Kernel } from '../ops/kernel-registry';
import { formatPrint, printSink } from '../ops/ops';
import { ExprGraph, liveNodes, OutSpec } from '../ir/expr';

/** One step of a prepared graph: everything that does not depend on the input values, worked out once. */
interface Step {
  readonly id: number;
  readonly op: string;
  readonly kind: OpKind | 'input' | 'const';
  readonly inputs: readonly number[];
  readonly rawAttrs: Attrs;
  /** Set when every shape is known at trace time: the kernel, its normalized attrs and the output. */
  readonly fixed?: Fixed;
  /** A dynamic step's most recent inference, with the argument types it was for (per prepared graph). */
  last?: { readonly args: readonly ValueInfo[]; readonly fixed: Fixed };
}

interface Fixed {
  readonly kernel?: Kernel;
  readonly attrs: Attrs;
  readonly out: ValueInfo;
}

/** A graph ready to run on concrete tensors, as `fn` does. */
export interface PreparedGraph {
  readonly graph: ExprGraph;
  run(inputs: readonly unknown[]): unknown;
}

/**
 * Prepares `g` for repeated runs: only the live nodes (those the outputs and effects need) run, in order;
 * for nodes whose shapes are all known, inference and kernel lookup happen here, once, not per call.
 */
export function prepareGraph(g: ExprGraph): PreparedGraph {
  const backend = getBackend();
  // A node is dynamic when its shape, or any ancestor's, has an unknown dimension: an op like squeeze() can
  // turn unknown sizes into an unknown rank, so even a fully known traced shape below it may not hold.
  const dynamic = new Uint8Array(g.nodes.length);
  for (const n of g.nodes) dynamic[n.id] = n.shape.includes(null) || n.inputs.some((i) => dynamic[i] === 1) ? 1 : 0;
  const steps: Step[] = liveNodes(g).map((id) => {
    const n = g.nodes[id];
    if (n.op === 'input' || n.op === 'const') return { id, op: n.op, kind: n.op, inputs: n.inputs, rawAttrs: n.attrs };
    const contract = getContract(n.op);
    const known = dynamic[id] === 0;
    if (!known || contract.kind === 'effect') return { id, op: n.op, kind: contract.kind, inputs: n.inputs, rawAttrs: n.attrs };
    const inferred = contract.infer(n.inputs.map((i) => g.nodes[i]), n.attrs);
    const kernel = contract.kind === 'view' ? undefined : getKernel<Kernel>(backend, n.op);
    return {
      id, op: n.op, kind: contract.kind, inputs: n.inputs, rawAttrs: n.attrs,
      fixed: { kernel, attrs: inferred.attrs ?? n.attrs, out: { dtype: inferred.dtype, shape: inferred.shape } },
    };
  });

  return {
    graph: g,
    run(inputs: readonly unknown[]): unknown {
      const values: unknown[] = new Array(g.nodes.length);
      for (const s of steps) {
        if (s.kind === 'input') values[s.id] = inputs[s.rawAttrs.index as number];
        else if (s.kind === 'const') values[s.id] = g.consts.get(s.id);
        else if (s.kind === 'effect') {
          printSink()(formatPrint(String(s.rawAttrs.label), s.inputs.map((i) => values[i] as Tensor)));
        } else values[s.id] = runStep(s, s.inputs.map((i) => values[i] as Tensor), backend);
      }
      return buildOutput(g.output, values, inputs);
    },
  };
}

/** Whether the arguments have the dtypes and shapes a dynamic step last inferred for. */
function sameInfos(args: readonly Tensor[], seen: readonly ValueInfo[]): boolean {
  if (args.length !== seen.length) return false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i].shape;
    const b = seen[i].shape;
    if (args[i].dtype !== seen[i].dtype || a.length !== b.length) return false;
    for (let d = 0; d < a.length; d++) if (a[d] !== b[d]) return false;
  }
  return true;
}

function runStep(s: Step, args: Tensor[], backend: string): Tensor {
  let fixed = s.fixed;
  if (fixed === undefined) {
    // A dynamic step re-infers only when its arguments' shapes change: a stage's batches mostly share one
    // size, and inference (a fused program's validation, say) would otherwise run on every batch.
    const last = s.last;
    if (last !== undefined && sameInfos(args, last.args)) fixed = last.fixed;
    else {
      const contract = getContract(s.op);
      const inferred = contract.infer(args, s.rawAttrs);
      fixed = {
        kernel: contract.kind === 'view' ? undefined : getKernel<Kernel>(backend, s.op),
        attrs: inferred.attrs ?? s.rawAttrs,
        out: { dtype: inferred.dtype, shape: inferred.shape },
      };
      // Tensor shapes are frozen, so keeping them is safe.
      s.last = { args: args.map((a) => ({ dtype: a.dtype, shape: a.shape })), fixed };
    }
  }
  const shape = fixed.out.shape as Shape;
  if (fixed.kernel === undefined) return new Tensor(fixed.out.dtype, shape, args[0].data);
  const out = new Tensor(fixed.out.dtype, shape, allocate(fixed.out.dtype, sizeOf(shape)));
  fixed.kernel({ inputs: args, attrs: fixed.attrs, out });
  return out;
}

/** Builds the function's result from the output spec: nodes' values, literals and passed-through inputs. */
export function buildOutput(out: OutSpec, values: readonly unknown[], inputs: readonly unknown[]): unknown {
  switch (out.kind) {
    case 'node': return values[out.id];
    case 'value': return out.value;
    case 'passthrough': return inputs[out.input];
    case 'array': return out.items.map((o) => buildOutput(o, values, inputs));
    case 'record': {
      const r: Record<string, unknown> = {};
      for (const [k, o] of out.fields) r[k] = buildOutput(o, values, inputs);
      return r;
    }
  }
}
