import { writeFileSync } from 'node:fs';
import { loadSchemaFile, parseSchema, SchemaError, schemaToJson } from './record-schema';
import { tempDir } from './test-util';

const tmp = tempDir('schema');
afterAll(() => tmp.remove());

describe('schema files', () => {
  it('parses fields in order with their dtypes and shapes', () => {
    const s = parseSchema({ a: { type: 'string' }, n: { type: 'number', dtype: 'int32' }, t: { type: 'tensor', dtype: 'float64', shape: [2, 3] } }, 'x');
    expect(s.map((f) => f.name)).toEqual(['a', 'n', 't']);
    expect(schemaToJson(s)).toEqual({ a: { type: 'string' }, n: { type: 'number', dtype: 'int32' }, t: { type: 'tensor', dtype: 'float64', shape: [2, 3] } });
  });

  it.each([
    [[1], 'a schema must be a JSON object'],
    [{ a: { type: 'int' } }, `field 'a' has type "int"; expected one of number, boolean, string, tensor`],
    [{ a: { type: 'number', dtype: 'uint8' } }, `field 'a' has dtype "uint8"; expected float64, float32, int32`],
    [{ a: { type: 'string', shape: [2] } }, `field 'a' has a shape but type 'string'`],
    [{ a: { type: 'tensor', shape: [2, -1] } }, `field 'a' has shape [2,-1]`],
    [{ a: { type: 'tensor', unit: 'cm' } }, `field 'a' has unknown key 'unit'`],
  ])('rejects %j naming the field', (json, message) => {
    expect(() => parseSchema(json, 'my.json')).toThrow(SchemaError);
    expect(() => parseSchema(json, 'my.json')).toThrow(message);
  });

  it('loads a file and reports bad JSON with the path', async () => {
    const ok = tmp.path('ok.json');
    writeFileSync(ok, '{"v":{"type":"tensor","shape":[8]}}');
    expect(await loadSchemaFile(ok)).toEqual([{ name: 'v', type: 'tensor', shape: [8] }]);
    const bad = tmp.path('bad.json');
    writeFileSync(bad, '{"v":');
    await expect(loadSchemaFile(bad)).rejects.toThrow(`schema file ${bad} is not valid JSON`);
  });
});
