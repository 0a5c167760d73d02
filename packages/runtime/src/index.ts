/**
 * The runtime: what generated code and applications import at run time.
 * It never imports the compiler (ts-morph, json-schema-to-typescript, cosmiconfig).
 */
export type * from "./types.js";
export { ValidationError, DecodeError, UnrecoverableError, QueueMissingError, DatabaseTimeoutError } from "./errors.js";
export { DatabaseConnectionError } from "./errors.js";
export { AckLostError, LeaseLostError, LeaseExpiredWarning } from "./errors.js";
export type { JobIssues, AckKind, AckLostReason, DatabaseConnectionFailure, DatabaseTarget } from "./errors.js";
export { UpgradeError, NewerVersionError } from "./versionErrors.js";
export { configure, getPool, closePool, onPoolError } from "./connection.js";
export type { ConfigureOptions, PoolErrorListener } from "./connection.js";
export { createQueueCodec } from "./codec.js";
export type { QueueCodecOptions, PreviousVersion, QueueUpgrades } from "./codec.js";
export { VERSION_HEADER } from "./messageVersion.js";
export { queuedVersionCounts } from "./queuedVersions.js";
export type { QueuedVersionCount, QueuedVersionCountsOptions } from "./queuedVersions.js";
export { queueStatus, listQueues } from "./queueStatus.js";
export type {
  QueueStatus,
  QueueStatusFigure,
  QueueStatusApproximation,
  QueueStatusTarget,
  QueueStatusOptions,
  ListQueuesOptions,
} from "./queueStatus.js";
export { pruneArchive } from "./archivePruning.js";
export type { PruneArchiveOptions, PruneArchiveResult } from "./archivePruning.js";
export { createProducer } from "./producer.js";
export { deadLetters, REDRIVEN_HEADER } from "./deadLetters.js";
export type {
  DeadLetter,
  DeadLetterFilter,
  DeadLetterListFilter,
  DeadLetterRun,
  DeadLetterRunOptions,
  DeadLetters,
  DeadLettersOptions,
} from "./deadLetters.js";
export { cancelJob, findJob } from "./jobs.js";
export type { CancelJobOptions, CancelResult, FindJobOptions, FoundJob, JobState } from "./jobs.js";
export { queueMessages } from "./queueMessages.js";
export type { QueuedMessage, QueuedMessageState, QueueMessagesOptions, QueueMessagesPage } from "./queueMessages.js";
export { completionHistory } from "./completionHistory.js";
export type { CompletionBucket, CompletionHistoryOptions } from "./completionHistory.js";
export { MAX_JSON_DEPTH } from "./storableJson.js";
export { PgmqClient, pgmqClientFor } from "./pgmq.js";
export type {
  BoundedRead,
  ReadLimits,
  ReadMessage,
  SendOptions,
  SendJsonOptions,
  PgmqClientOptions,
  QueueMetrics,
  QueueMetricsEstimate,
  MetricsEstimateOptions,
  DeleteArchivedOptions,
  Delivery,
  DeliveryVisibility,
} from "./pgmq.js";
export { ensureQueues, queueExists } from "./queueSetup.js";
export { createQueueWorker, JobTimeoutError, WorkerStoppingError } from "./worker.js";
export type { QueueDefinitions } from "./worker/workerSettings.js";
export type { Queryable } from "./sql/statement.js";
export { createStderrLogger } from "./logging/stderrLogger.js";
export type { StderrLoggerOptions } from "./logging/stderrLogger.js";
export type { Logger, LogFields, LogLevel } from "./logging/logger.js";
export { validatorRuntime } from "./validatorRuntime.js";
export type { ValidatorContext, ValidatorEvaluated, ValidatorFormats, ValidatorRuntime } from "./validatorRuntime.js";
