import { existsSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { isFlow, isTransform, type Transform } from '@weir/dataflow';
import { loadPlan, parseSchema, type Plan, type RecordSchema } from './runtime';
import { UsageError } from './errors';

/** What `weir` runs: a pipeline module's Transform, or a saved graph (no user code). */
export type Loaded =
  | { readonly kind: 'transform'; readonly path: string; readonly transform: Transform; readonly inputSchema?: RecordSchema }
  | { readonly kind: 'plan'; readonly path: string; readonly plan: Plan };

const MODULE_EXTENSIONS = new Set(['.ts', '.js', '.cts', '.cjs', '.mts', '.mjs']);

/**
 * Loads a pipeline file. A `.ts`/`.js` module must default-export `pipeline(...)`; it may also export
 * `inputSchema` (the schema-file format, see the connectors' record-schema.ts) as its input signature. A
 * `.weir` file is a saved graph, loaded with `loadPlan`, which evaluates nothing from the file.
 *
 * TypeScript modules load through tsx (the `weir` launcher registers it) in the same module system as the
 * CLI, so the module's `@weir/dataflow` is the CLI's: one op registry, one `Transform` class.
 */
export async function loadPipeline(file: string): Promise<Loaded> {
  const path = resolve(file);
  if (!existsSync(path)) throw new UsageError(`pipeline file ${file} does not exist`);
  const ext = extname(path).toLowerCase();
  if (ext === '.weir') return { kind: 'plan', path, plan: await loadSavedPlan(path) };
  if (!MODULE_EXTENSIONS.has(ext)) {
    throw new UsageError(`cannot run ${file}: expected a pipeline module (.ts or .js) or a saved graph (.weir)`);
  }
  let mod: Record<string, unknown>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(path);
  } catch (e) {
    const err = new Error(`cannot load pipeline ${file}: ${(e as Error).message}`);
    err.stack = (e as Error).stack;
    throw err;
  }
  const transform = defaultExport(mod);
  if (!isTransform(transform)) {
    const what = isFlow(transform) ? 'a Flow (from(...).pipe(...))' : transform === undefined ? 'nothing' : `a ${typeof transform}`;
    throw new UsageError(
      `${file} does not default-export a pipeline: its default export is ${what}`,
      `  write: export default pipeline(map(...), filter(...));  (weir binds --input as its source)`,
    );
  }
  const inputSchema = mod.inputSchema === undefined ? undefined : parseSchema(mod.inputSchema, `${file} (export inputSchema)`);
  return { kind: 'transform', path, transform, inputSchema };
}

function defaultExport(mod: Record<string, unknown>): unknown {
  // An ES module compiled to CommonJS keeps its default export under `default`; a CommonJS module that
  // assigns `module.exports = pipeline(...)` is its own default.
  if (isTransform(mod)) return mod;
  const d = mod.default as Record<string, unknown> | undefined;
  if (d !== undefined && !isTransform(d) && typeof d === 'object' && d !== null && 'default' in d) return d.default;
  return d;
}

async function loadSavedPlan(path: string): Promise<Plan> {
  try {
    return await loadPlan(path);
  } catch (e) {
    throw new UsageError(`cannot load saved graph ${path}: ${(e as Error).message}`);
  }
}
