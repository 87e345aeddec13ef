import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXAMPLES, expectClose, tempDir, weir } from './support/weir';

const tmp = tempDir('saved');
afterAll(() => tmp.remove());

const FEATURES = join(EXAMPLES, 'data/features.ndjson');

function ndjson(path: string): unknown[] {
  return readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
}

describe('weir compile, then weir run graph.weir', () => {
  it('runs the saved graph in a directory where the pipeline source does not exist, with the same output', async () => {
    const built = tmp.path('build');
    mkdirSync(built);
    const c = await weir(['compile', 'examples/dense.ts', '-o', join(built, 'dense.weir')]);
    expect(c.stderr).not.toMatch(/error/);
    expect(c.code).toBe(0);

    // A fresh directory holding only the graph and the data: no pipeline module, no examples/ next to it.
    const elsewhere = tmp.path('elsewhere');
    mkdirSync(elsewhere);
    copyFileSync(join(built, 'dense.weir'), join(elsewhere, 'dense.weir'));
    copyFileSync(FEATURES, join(elsewhere, 'features.ndjson'));
    expect(existsSync(join(elsewhere, 'dense.ts'))).toBe(false);
    const r = await weir(['run', 'dense.weir', '--input', 'features.ndjson', '--output', 'out.ndjson'], { cwd: elsewhere });
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);

    const fromSource = tmp.path('from-source.ndjson');
    const s = await weir(['run', 'examples/dense.ts', '--input', FEATURES, '--output', fromSource, '--mode', 'eager']);
    expect(s.code).toBe(0);
    const saved = ndjson(join(elsewhere, 'out.ndjson'));
    expect(saved).toHaveLength(600);
    expectClose(saved, ndjson(fromSource), 1e-6);
  });

  it('refuses to run a saved graph in eager mode, as bad usage', async () => {
    const graph = tmp.path('d2.weir');
    expect((await weir(['compile', 'examples/dense.ts', '-o', graph, '-q'])).code).toBe(0);
    const r = await weir(['run', graph, '--input', FEATURES, '--output', tmp.path('x.ndjson'), '--mode', 'eager']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toMatch(/^weir: error: .*saved graph, which runs in graph mode only/);
  });

  it('explains a saved graph without its source', async () => {
    const graph = tmp.path('d3.weir');
    expect((await weir(['compile', 'examples/dense.ts', '-o', graph, '-q'])).code).toBe(0);
    const r = await weir(['explain', graph], { cwd: tmp.dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/matmul/);
    expect(r.stdout).toMatch(/scan#2/);
  });
});
