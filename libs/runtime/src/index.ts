// @weir/runtime: compile() and run() - the batch executor, error policies, saved plans - and the file
// connectors. Importing it registers the CPU kernels.
import '@weir/kernels-cpu';
import { setExprOptimizer } from '@weir/dataflow';
import { optimizeExpression } from '@weir/optimizer';

// fn() and compile() run the optimizer's expression passes on every traced graph.
setExprOptimizer(optimizeExpression);

export type { CompileOptions } from './lib/exec/plan';
export { DEFAULT_BATCH_SIZE, Plan, UnsupportedOptionError, compile, loadPlan } from './lib/exec/plan';
export { PLAN_PASSES, STREAM_PASSES } from './lib/exec/compile-stages';
export type { CollectOptions } from './lib/collect';
export { collect } from './lib/collect';
export type { Column, ColumnBatch } from './lib/exec/batch';
export { batchToRows, rowsToBatch } from './lib/exec/batch';
export type { RunStats } from './lib/exec/stage';
// File connectors: CSV, NDJSON, Arrow IPC (file and stream) and Parquet, streamed in batches.
export type { BadRow, RowErrorMode } from './lib/connectors/bad-rows';
export { BadInputError, RowErrors, describeBadRow } from './lib/connectors/bad-rows';
export type { FieldSpec, RecordSchema, SchemaField } from './lib/connectors/record-schema';
export { SchemaError, loadSchemaFile, parseSchema, schemaToJson } from './lib/connectors/record-schema';
export type { ReadOptions } from './lib/connectors/reader';
export { InputStats } from './lib/connectors/reader';
export type { OpenSourceOptions, Source } from './lib/connectors/endpoints';
export { openSink, openSource } from './lib/connectors/endpoints';
export type { FormatHandler, FormatName } from './lib/connectors/formats';
export { FORMATS, FormatError, formatOf, isFormatName, sniffFormat } from './lib/connectors/formats';
export type { RecordSink } from './lib/connectors/sink';
export { CsvSink, readCsv } from './lib/connectors/csv';
export { NdjsonSink, readNdjson } from './lib/connectors/ndjson';
export { ArrowSink, readArrowIpc } from './lib/connectors/arrow-ipc';
export { ParquetSink, readParquet } from './lib/connectors/parquet';
export { InputError, OutputError, OutputPathError } from './lib/connectors/io';
export { arrowToColumnBatch, columnBatchToArrow, columnBatchesOf, writeColumnBatch } from './lib/connectors/column-batches';
export { batchesToRecords, recordsToBatches } from './lib/connectors/arrow-adapter';
export { asRecord, tensorToJson, toJsonValue } from './lib/connectors/text-values';
