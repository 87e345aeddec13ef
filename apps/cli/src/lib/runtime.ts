/** The CLI's one door into @weir/runtime: everything the commands use from it. */
export { compile, loadPlan, Plan, RowErrors, openSink, openSource, columnBatchesOf, writeColumnBatch, loadSchemaFile, parseSchema, tensorToJson, toJsonValue } from '@weir/runtime';
export type { CompileOptions, RowErrorMode, Source, RecordSchema, SchemaField, RecordSink } from '@weir/runtime';
