import { shapesEqual } from '@weir/dataflow';
import type { ExprGraph, ExprNode } from '@weir/dataflow';
import { usesOf } from '../graph/uses';
import { GraphWriter } from '../graph/writer';
import { definePass } from '../pass';

/** Chains shorter than this stay as they are: below it repeated squaring saves little or nothing. */
export const MIN_CHAIN = 4;

/** A chain of matmuls by the same matrix: top = r0·X·X·…·X (side 'right') or X·X·…·X·r0 (side 'left'). */
interface Chain {
  readonly top: number;
  readonly x: number;
  /** How many times X is multiplied in. */
  readonly k: number;
  /** The first factor; null when it is X itself (then the result is X^(k+1)). */
  readonly r0: number | null;
  readonly side: 'left' | 'right';
  readonly interior: readonly number[];
}

/**
 * Integer matmuls only: int32 arithmetic wraps modulo 2^32 (uint8 modulo 2^8), a ring, so (r·X)·X = r·(X·X)
 * exactly. Float matmuls round after every product, so regrouping them changes the result: never applied.
 * X must be a square matrix of the chain's own dtype (a uint8 X squared in uint8 would wrap at 2^8 where an
 * int32 chain wraps at 2^32).
 */
function eligible(x: ExprNode, top: ExprNode): boolean {
  const s = x.shape;
  return (top.dtype === 'int32' || top.dtype === 'uint8') && x.dtype === top.dtype && s.length === 2 && s[0] !== null && s[0] === s[1];
}

function chainAt(g: ExprGraph, top: ExprNode, side: 'left' | 'right', single: (id: number) => boolean): Chain {
  const [xi, ri] = side === 'right' ? [1, 0] : [0, 1];
  const x = top.inputs[xi];
  const interior: number[] = [];
  let k = 1;
  let cur = top.inputs[ri];
  for (let n = g.nodes[cur]; n.op === 'matmul' && n.inputs[xi] === x && n.dtype === top.dtype && single(cur); n = g.nodes[cur]) {
    interior.push(cur);
    k++;
    cur = n.inputs[ri];
  }
  return { top: top.id, x, k, r0: cur === x ? null : cur, side, interior };
}

/** Writes X^k by repeated squaring; returns its id and how many matmuls that took. */
function power(w: GraphWriter, x: number, k: number): { id: number; matmuls: number } {
  let result = -1;
  let base = x;
  let matmuls = 0;
  for (let e = k; e > 0; e = Math.floor(e / 2)) {
    if (e % 2 === 1) {
      result = result < 0 ? base : w.op('matmul', [result, base], {});
      if (result !== base) matmuls++;
    }
    if (e > 1) {
      base = w.op('matmul', [base, base], {});
      matmuls++;
    }
  }
  return { id: result, matmuls };
}

/**
 * The matmul power rule: r = matmul(…matmul(matmul(r0, X), X)…, X) with the same X k >= 4 times becomes
 * matmul(r0, X^k), X^k by repeated squaring (2·log2(k) matmuls instead of k); X·(X·(…·r0)) likewise, and a
 * chain that starts from X itself is X^(k+1). Integer dtypes only (see `eligible`), so the result is bit for
 * bit the same. This is what makes the TensorFlow guide's power(x, 100) fast.
 *
 * ```ts
 * // eye·x·x·…·x (100 times), after simplify removed the eye: x^100 in 8 matmuls
 * matmulPower.run(g);
 * ```
 */
export const matmulPower = definePass('matmulPower', (g) => {
  const { consumers, external } = usesOf(g);
  const single = (id: number): boolean => consumers[id].length === 1 && external[id] === 0;
  const chains = new Map<number, Chain>();
  const inChain = new Uint8Array(g.nodes.length);
  for (let id = g.nodes.length - 1; id >= 0; id--) {
    const n = g.nodes[id];
    if (n.op !== 'matmul' || inChain[id]) continue;
    const [a, b] = [chainAt(g, n, 'right', single), chainAt(g, n, 'left', single)];
    const best = a.k >= b.k ? a : b;
    if (best.k < MIN_CHAIN || !eligible(g.nodes[best.x], n)) continue;
    chains.set(id, best);
    for (const i of best.interior) inChain[i] = 1;
  }
  if (chains.size === 0) return null;
  const w = new GraphWriter(g);
  let before = 0;
  let after = 0;
  for (const n of g.nodes) {
    const c = chains.get(n.id);
    if (c === undefined) {
      w.copy(n);
      continue;
    }
    const p = power(w, w.get(c.x), c.r0 === null ? c.k + 1 : c.k);
    let id = p.id;
    if (c.r0 !== null) id = w.op('matmul', c.side === 'right' ? [w.get(c.r0), p.id] : [p.id, w.get(c.r0)], {});
    const out = w.node(id);
    if (out.dtype !== n.dtype || !shapesEqual(out.shape, n.shape)) {
      w.copy(n); // cannot happen for square X; the nodes written above are left for pruning
      continue;
    }
    w.alias(n.id, id);
    before += c.k;
    after += p.matmuls + (c.r0 === null ? 0 : 1);
  }
  const summary = `replaced ${before} chained matmuls by ${after} (repeated squaring) in ${chains.size} chain${chains.size === 1 ? '' : 's'}`;
  return { graph: w.finish(), count: chains.size, summary };
});
