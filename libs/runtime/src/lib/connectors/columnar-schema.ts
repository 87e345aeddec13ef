import { formatShape } from '@weir/dataflow';
import { InputError } from './io';
import { fieldOf, type RecordSchema } from './record-schema';

/**
 * A columnar file carries its own schema, so a --schema (or a pipeline's input signature) is checked
 * against it instead of steering how cells are parsed. A mismatch is about the whole file, not a row: it
 * names the file and the column.
 */
export function checkColumnarSchema(file: string, actual: RecordSchema, given: RecordSchema | undefined): void {
  for (const want of given ?? []) {
    const got = fieldOf(actual, want.name);
    const at = `${file}: column '${want.name}'`;
    if (got === undefined) throw new InputError(`${at} is named in the schema but the file has no such column (it has ${actual.map((f) => f.name).join(', ')})`);
    if (got.type !== want.type) throw new InputError(`${at} holds ${got.type}s; the schema says ${want.type}`);
    if (want.type !== 'tensor') continue;
    if (want.shape !== undefined && formatShape(want.shape) !== formatShape(got.shape ?? [])) {
      throw new InputError(`${at} holds tensors of shape ${formatShape(got.shape ?? [])}; the schema says ${formatShape(want.shape)}`);
    }
    if (want.dtype !== undefined && want.dtype !== got.dtype) {
      throw new InputError(`${at} holds ${got.dtype} tensors; the schema says ${want.dtype}`);
    }
  }
}
