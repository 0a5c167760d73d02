/**
 * The synthetic queue the reliability scenarios drain: a job is `{ id, sleepMs }`,
 * validated by an ajv validator compiled at test time and bound to the runtime
 * with `createQueueCodec`, the way generated code binds a user's queue.
 */
import { Ajv } from "ajv";
import { createQueueCodec } from "@pgmq-gen/runtime";
import type { CompiledValidator, QueueDefinition, QueueOptions } from "@pgmq-gen/runtime";

export interface ReliabilityJob {
  /** The job's identity across redeliveries and duplicate pushes. */
  id: number;
  /** How long the handler works on it, in milliseconds. */
  sleepMs: number;
}

export const reliabilityJobSchema = {
  type: "object",
  additionalProperties: false,
  required: ["id", "sleepMs"],
  properties: {
    id: { type: "integer", minimum: 0 },
    sleepMs: { type: "integer", minimum: 0, maximum: 600_000 },
  },
} as const;

export interface ReliabilityQueueSettings {
  queue: string;
  /** Seconds. (Default: 30) */
  visibilityTimeout?: number;
  /** (Default: 20) */
  maxRetries?: number;
  /** Seconds between attempts. (Default: 0.5) */
  retryDelay?: number;
  /** (Default: null) */
  deadLetter?: string | null;
}

export function reliabilityQueueOptions(settings: ReliabilityQueueSettings): QueueOptions {
  return {
    visibilityTimeout: settings.visibilityTimeout ?? 30,
    maxRetries: settings.maxRetries ?? 20,
    backoff: { kind: "fixed", delay: settings.retryDelay ?? 0.5 },
    onSuccess: "archive",
    deadLetter: settings.deadLetter ?? null,
    transactional: false,
    jobTimeout: null,
  };
}

export function reliabilityQueueDefinition(
  settings: ReliabilityQueueSettings,
): QueueDefinition<string, ReliabilityJob> {
  const validator = new Ajv({ allErrors: true, strict: true }).compile(reliabilityJobSchema) as CompiledValidator;
  return {
    name: settings.queue,
    options: reliabilityQueueOptions(settings),
    codec: createQueueCodec<ReliabilityJob>({ queue: settings.queue, validator }),
  };
}
