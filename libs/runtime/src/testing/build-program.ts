import type { OpProgram, ProgramInput } from './op-program';
import { prng } from './choices';
import { KINDS, STEPS } from './build-steps';
import { BuildOptions, ProgramBuilder } from './program-builder';

/**
 * Builds a valid OpProgram from a list of steps, each a few random naturals (Hypothesis-style "choices"):
 * step[0] picks the kind of op (build-steps.ts), the others its operands and attributes. Every node is checked
 * by running it eagerly on probe values; a step that would be invalid (a dtype the op rejects, shapes that do
 * not broadcast, too many elements) is dropped. So any list of steps builds a program, and fast-check shrinks
 * a failing program by shrinking its steps: dropping them, or moving each number towards 0 (simpler choices).
 *
 * Probes: every value is computed three ways, (0) as a trace sees plain JS inputs (a number field is a weak
 * fractional value, a boolean field a strong bool), (1) eagerly with an integral number, (2) eagerly with a
 * fractional one. A dtype or shape that differs between them (or a promotion a comparison hides) marks the
 * program `modeSensitive`.
 *
 * ```ts
 * buildProgram([{ name: 'x0', kind: 'tensor', dtype: 'float32', shape: [2, 3] }], [[7, 0, 0, 1, 1, 0]]);
 * ```
 */
export type Step = readonly number[];

export type { BuildOptions };

/** Builds the program; `declared` are its inputs (more may be added when `newInputs` is on). */
export function buildProgram(declared: readonly ProgramInput[], steps: readonly Step[], options: BuildOptions = {}): OpProgram {
  const b = new ProgramBuilder(declared, options);
  for (const s of steps) {
    const c = (i: number): number => s[i] ?? 0;
    const rnd = prng(s.reduce((a, x, i) => (a * 31 + x * (i + 7)) | 0, 17));
    STEPS[KINDS[c(0) % KINDS.length]](b, c, rnd);
  }
  return b.finish();
}
