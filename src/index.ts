/**
 * kpi-stream as a library: the stages of the CLI, to compute hourly KPIs in another Node program.
 * In the order data flows: plan the buckets, list the inputs (sources), read each session
 * (parse -> window -> metrics), fold the sessions into the keyed accumulator, then format the
 * rows as CSV and write them (sinks). `runPipeline` does the middle for many inputs at once.
 */

// Buckets: the hours (or the day) a run fills.
export {planDay, planHour, planLastHours, planRange, planTouchedHours} from './library/plan.js';
export {bucketAt, folderBuckets, type BucketPlan} from './buckets.js';

// Sources: session inputs in canonical order.
export {folderInputs, hubInputs, rowInputs, type PipelineInputs} from './library/inputs.js';
export {listLocalFiles, type ListedFile} from './sources/local-files.js';
export {stdinRows, type StdinRow} from './sources/stdin-rows.js';

// Parse: one session's bytes (or byte stream) -> event batches, then its header.
export {sessionEvents, sessionParts, type SessionEventsOptions, type SessionHeader, type SessionPart} from './parse/session-events.js';
export {streamSessionParts, type RowStreamOptions} from './parse/stream/index.js';

// Window and metrics: the per-session stages, as plain functions and as object-mode Transforms.
export {timeWindow, windowStage, type TimeWindowOptions, type WindowedEvent, type WindowedPart} from './transforms/time-window.js';
export {metricsStage, sessionMetrics, type SessionMetricsOptions, type SessionOutcome} from './transforms/session-metrics.js';
export {stageTransform, type Stage} from './stream.js';

// One session through parse -> window -> metrics: its contributions per bucket.
export {readSessionBytes, readSessionStream, type SessionReadOptions} from './library/session.js';
export {readSession, STREAM_ABOVE, type ReadSessionOptions, type SessionReader} from './session/read.js';
export {prefiltered} from './session/prefilter.js';
export {SessionPool, type SessionPoolOptions} from './workers/pool.js';
export {ResultCache, type ResultCacheOptions} from './cache/result-cache.js';

// The keyed accumulator and the KPI catalog: one entry per column, schemas as lists of columns.
export {inCanonicalOrder, KeyedAccumulator} from './metrics/accumulator.js';
export {BucketTotals, compiled as compiledSchema, type CompiledSchema} from './metrics/schema.js';
export {countKpi, DEFAULT_SCHEMA, KPIS, SCHEMA_NAMES, SCHEMAS, schemaColumns, type KpiName, type SchemaName} from './metrics/catalog.js';
export {defineKpi, defineStat, type EventContext, type Kpi, type Stat} from './metrics/define.js';
export * as stats from './metrics/stats.js';

// Many inputs at once: totals per bucket.
export {combinedCsv, outputFiles, runPipeline, type BucketRow, type PipelineOptions, type PipelineResult} from './pipeline.js';

// CSV and sinks.
export {toCsv} from './sinks/csv.js';
export {writeLocalFiles} from './sinks/local-dir.js';
export {commitToHub} from './library/sinks.js';
export {hubOptionsWithToken, normalizeHubOptions, resolveHubUrl, resolveToken, type HubConnection, type HubHooks, type HubOptions, type HubSettings, type RetryInfo} from './hub/config.js';

// Warnings, counters and errors.
export {Reporter, type LogFormat, type ReporterOptions, type RunCounts} from './reporter.js';
export {KpiError, type KpiErrorCode} from './errors.js';
export type {Bucket, InputRef, InputWarning, OutputFile, SessionContribution, SessionInput, SessionResult} from './types.js';
