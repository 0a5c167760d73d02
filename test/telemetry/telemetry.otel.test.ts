/**
 * Tracing and metrics with the OpenTelemetry SDK registered, as an
 * application registers it: a tracer provider exporting to memory, the
 * AsyncLocalStorage context manager, the W3C propagator and a meter provider
 * read by hand. Registered globally: each test file runs in its own process.
 */
import { context, metrics, propagation, type Span, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import {
  type DataPoint,
  type Histogram,
  MeterProvider,
  MetricReader,
  type ResourceMetrics,
} from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import runtimePackage from "../../packages/runtime/package.json" with { type: "json" };
import { configure } from "../../packages/runtime/src/connection.js";
import { createProducer } from "../../packages/runtime/src/producer.js";
import type { QueueOptions, WorkerEvents } from "../../packages/runtime/src/types.js";
import { createQueueWorker } from "../../packages/runtime/src/worker.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { insertRawMessage, queueRows, type TestJob, testQueue, waitFor } from "../worker/support/workerTestQueue.js";

class ManualReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

const spans = new InMemorySpanExporter();
const reader = new ManualReader();
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
propagation.setGlobalPropagator(new W3CTraceContextPropagator());
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }));
metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));

const db = useTestDatabase("telemetry_otel");
beforeAll(() => {
  configure({ pool: db.pool });
});
afterEach(() => spans.reset());

const appTracer = trace.getTracer("the-app");

/** Runs `run` in an active span of the application's, returned with what `run` gave. */
async function inAppSpan<T>(run: () => Promise<T>): Promise<{ span: Span; result: T }> {
  return appTracer.startActiveSpan("app work", async (span) => {
    try {
      return { span, result: await run() };
    } finally {
      span.end();
    }
  });
}

/** Starts a worker on one queue; resolves its events as they come. */
async function startWorker(
  name: string,
  options: Partial<QueueOptions>,
  handle: (job: TestJob) => void | Promise<void>,
  workerOptions: { depthIntervalMs?: number } = {},
) {
  const definition = testQueue(name, options);
  const worker = db.track(
    createQueueWorker(
      { [name]: definition },
      { [name]: handle },
      { pool: db.pool, pollInterval: 50, telemetry: { depthIntervalMs: workerOptions.depthIntervalMs ?? 0 } },
    ),
  );
  const ended: Array<keyof WorkerEvents> = [];
  worker.on("job:complete", () => ended.push("job:complete"));
  worker.on("job:fail", () => ended.push("job:fail"));
  worker.on("job:kill", () => ended.push("job:kill"));
  await worker.start();
  return { definition, worker, ended, producer: createProducer(definition) };
}

function spansNamed(name: string): ReadableSpan[] {
  return spans.getFinishedSpans().filter((span) => span.name === name);
}

function traceparentOf(span: ReadableSpan | Span): string {
  const { traceId, spanId } = span.spanContext();
  return `00-${traceId}-${spanId}-01`;
}

describe("tracing", () => {
  it("issue 15 #4: push in an active span stores its trace context, and the attempt's process span continues it", async () => {
    const seenInHandler: string[] = [];
    const { producer, ended } = await startWorker("traced", {}, () => {
      seenInHandler.push(trace.getActiveSpan()?.spanContext().spanId ?? "none");
    });
    const { span: appSpan, result: msgId } = await inAppSpan(() =>
      producer.push({ n: 1 }, { headers: { tenant: "t1" } }),
    );
    await waitFor(() => ended.length === 1, 10_000, "the job to complete");

    const [send] = spansNamed("send traced");
    expect(send).toBeDefined();
    expect(send!.kind).toBe(SpanKind.PRODUCER);
    expect(send!.spanContext().traceId).toBe(appSpan.spanContext().traceId);
    expect(send!.parentSpanContext?.spanId).toBe(appSpan.spanContext().spanId);
    expect(send!.attributes).toEqual({
      "messaging.system": "pgmq",
      "messaging.destination.name": "traced",
      "messaging.operation.type": "send",
      "messaging.operation.name": "send",
      "messaging.message.id": String(msgId),
    });

    // The runtime's instrumentation scope, at the version its package.json says.
    expect(send!.instrumentationScope).toMatchObject({ name: "@pgmq-gen/runtime", version: runtimePackage.version });

    const [process] = spansNamed("process traced");
    expect(process).toBeDefined();
    expect(process!.kind).toBe(SpanKind.CONSUMER);
    expect(process!.spanContext().traceId).toBe(appSpan.spanContext().traceId);
    expect(process!.parentSpanContext?.spanId).toBe(send!.spanContext().spanId);
    expect(process!.attributes).toEqual({
      "messaging.system": "pgmq",
      "messaging.destination.name": "traced",
      "messaging.operation.type": "process",
      "messaging.operation.name": "process",
      "messaging.message.id": String(msgId),
      "pgmq_gen.attempt": 1,
      "pgmq_gen.outcome": "done",
    });
    expect(process!.status.code).toBe(SpanStatusCode.UNSET);
    // The handler ran with the process span active: what it traces nests under it.
    expect(seenInHandler).toEqual([process!.spanContext().spanId]);
  });

  it("issue 15 #4: the headers carry traceparent beside the caller's headers and the version stamp", async () => {
    const producer = createProducer(testQueue("traced_headers"));
    const { span: appSpan } = await inAppSpan(() => producer.push({ n: 1 }, { headers: { tenant: "t1" } }));
    const [send] = spansNamed("send traced_headers");
    const [row] = await queueRows(db.pool, "traced_headers");
    expect(row!.headers).toEqual({ tenant: "t1", traceparent: traceparentOf(send!), "x-pgmq-gen-version": 1 });
    expect(send!.spanContext().traceId).toBe(appSpan.spanContext().traceId);
  });

  it("issue 15 #4: a traceparent the caller gives is kept as given, and no other trace header is added", async () => {
    const producer = createProducer(testQueue("traced_own"));
    const own = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    await inAppSpan(() => producer.push({ n: 1 }, { headers: { traceparent: own } }));
    const [row] = await queueRows(db.pool, "traced_own");
    expect(row!.headers).toEqual({ traceparent: own, "x-pgmq-gen-version": 1 });
  });

  it("issue 15 #4: pushBatch injects the trace context into every message, in one send span", async () => {
    const producer = createProducer(testQueue("traced_batch"));
    await inAppSpan(() => producer.pushBatch([{ n: 1 }, { n: 2 }, { n: 3 }]));
    const [send] = spansNamed("send traced_batch");
    expect(send!.attributes["messaging.batch.message_count"]).toBe(3);
    const rows = await queueRows(db.pool, "traced_batch");
    expect(rows.map((row) => row.headers?.traceparent)).toEqual(Array(3).fill(traceparentOf(send!)));
  });

  it("issue 15 #4: a push that is rejected sends nothing and starts no span", async () => {
    const producer = createProducer(testQueue("traced_rejected"));
    await expect(inAppSpan(() => producer.push({ n: 1.5 }))).rejects.toThrow(/invalid job/);
    await expect(inAppSpan(() => producer.push({ n: 1 }, { headers: { bad: "a\u0000" } }))).rejects.toThrow(/headers/);
    expect(spansNamed("send traced_rejected")).toEqual([]);
  });

  it("issue 15 #4: a failing attempt records its exception with status ERROR; the last one is killed", async () => {
    const { producer, ended } = await startWorker(
      "traced_fail",
      { maxRetries: 1, backoff: { kind: "fixed", delay: 0 } },
      () => {
        throw new TypeError("boom");
      },
    );
    await inAppSpan(() => producer.push({ n: 1 }));
    await waitFor(() => ended.length === 2, 10_000, "two attempts");
    const attempts = spansNamed("process traced_fail").sort(
      (a, b) => Number(a.attributes["pgmq_gen.attempt"]) - Number(b.attributes["pgmq_gen.attempt"]),
    );
    expect(attempts.map((span) => [span.attributes["pgmq_gen.attempt"], span.attributes["pgmq_gen.outcome"]])).toEqual([
      [1, "failed"],
      [2, "killed"],
    ]);
    const [send] = spansNamed("send traced_fail");
    for (const span of attempts) {
      expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: "boom" });
      expect(span.attributes["error.type"]).toBe("TypeError");
      const exception = span.events.find((event) => event.name === "exception");
      expect(exception?.attributes?.["exception.type"]).toBe("TypeError");
      expect(exception?.attributes?.["exception.message"]).toBe("boom");
      // Every attempt continues the push's trace.
      expect(span.parentSpanContext?.spanId).toBe(send!.spanContext().spanId);
    }
  });

  it("issue 15 #4: a message without trace headers (another PGMQ client) gets a root process span", async () => {
    const { ended } = await startWorker("traced_foreign", {}, () => {});
    // Started inside an application span: the worker's spans must not become its children.
    await inAppSpan(() => insertRawMessage(db.pool, "traced_foreign", JSON.stringify({ n: 1 })));
    await waitFor(() => ended.length === 1, 10_000, "the job to complete");
    const [process] = spansNamed("process traced_foreign");
    expect(process!.parentSpanContext).toBeUndefined();
    expect(process!.attributes["pgmq_gen.outcome"]).toBe("done");
  });

  it("issue 15 #4: a message killed without running (it does not match its schema) is a killed span", async () => {
    const { ended } = await startWorker("traced_undecodable", {}, () => {});
    await insertRawMessage(db.pool, "traced_undecodable", JSON.stringify({ n: "one" }));
    await waitFor(() => ended.length === 1, 10_000, "the kill");
    const [process] = spansNamed("process traced_undecodable");
    expect(process!.attributes["pgmq_gen.outcome"]).toBe("killed");
    expect(process!.status.code).toBe(SpanStatusCode.ERROR);
    expect(process!.attributes["error.type"]).toBe("DecodeError");
  });
});

function metricPoints(collected: ResourceMetrics, name: string): DataPoint<unknown>[] {
  const found = collected.scopeMetrics
    .filter((scope) => scope.scope.name === "@pgmq-gen/runtime")
    .flatMap((scope) => scope.metrics)
    .find((metric) => metric.descriptor.name === name);
  return (found?.dataPoints ?? []) as DataPoint<unknown>[];
}

function valueFor(points: DataPoint<unknown>[], attributes: Record<string, string>): unknown {
  return points.find((point) => Object.entries(attributes).every(([key, value]) => point.attributes[key] === value))
    ?.value;
}

describe("metrics", () => {
  it("issue 15 #4: jobs completed, failed and killed are counted by queue, and their durations recorded", async () => {
    let calls = 0;
    const { producer, ended } = await startWorker(
      "metered",
      { maxRetries: 1, backoff: { kind: "fixed", delay: 0 } },
      async (job) => {
        calls++;
        await new Promise((resolve) => setTimeout(resolve, 20));
        if (job.n < 0) throw new Error("negative");
      },
    );
    await producer.pushBatch([{ n: 1 }, { n: 2 }, { n: -1 }]);
    // Two done, one failed then killed.
    await waitFor(() => ended.length === 4, 10_000, "four endings");
    const { resourceMetrics } = await reader.collect();
    const queue = { "messaging.destination.name": "metered" };
    expect(valueFor(metricPoints(resourceMetrics, "pgmq_gen.jobs.completed"), queue)).toBe(2);
    expect(valueFor(metricPoints(resourceMetrics, "pgmq_gen.jobs.failed"), queue)).toBe(1);
    expect(valueFor(metricPoints(resourceMetrics, "pgmq_gen.jobs.killed"), queue)).toBe(1);
    const durations = metricPoints(resourceMetrics, "pgmq_gen.job.duration");
    const done = valueFor(durations, { ...queue, "pgmq_gen.outcome": "done" }) as Histogram;
    expect(done.count).toBe(2);
    expect(done.min).toBeGreaterThanOrEqual(0.015);
    expect(done.max).toBeLessThan(5);
    expect((valueFor(durations, { ...queue, "pgmq_gen.outcome": "failed" }) as Histogram).count).toBe(1);
    expect((valueFor(durations, { ...queue, "pgmq_gen.outcome": "killed" }) as Histogram).count).toBe(1);
    expect(calls).toBe(4);
  });

  it("issue 15 #4: the queue depth gauge reports the status query's figures at its interval", async () => {
    const { producer, worker } = await startWorker("depth", {}, () => {}, { depthIntervalMs: 50 });
    await producer.pushBatch([{ n: 1 }, { n: 2 }, { n: 3 }], { delay: 600 });
    const depth = await waitFor(
      async () => {
        const { resourceMetrics } = await reader.collect();
        const points = metricPoints(resourceMetrics, "pgmq_gen.queue.depth");
        const delayed = valueFor(points, { "messaging.destination.name": "depth", "pgmq_gen.state": "delayed" });
        return delayed === 3 ? points : undefined;
      },
      10_000,
      "the gauge to report 3 delayed",
    );
    expect(valueFor(depth, { "messaging.destination.name": "depth", "pgmq_gen.state": "visible" })).toBe(0);
    expect(valueFor(depth, { "messaging.destination.name": "depth", "pgmq_gen.state": "in_flight" })).toBe(0);
    await worker.stop();
    // Stopped: its status query no longer runs, the gauge keeps what it last reported.
    await producer.pushBatch([{ n: 4 }, { n: 5 }], { delay: 600 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const { resourceMetrics } = await reader.collect();
    const points = metricPoints(resourceMetrics, "pgmq_gen.queue.depth");
    expect(valueFor(points, { "messaging.destination.name": "depth", "pgmq_gen.state": "delayed" })).toBe(3);
  });
});

describe("the telemetry option", () => {
  it("issue 15 #4: a depth interval that is not an integer from 0 to 2^31 - 1 ms, or a telemetry that is not false or an object, is refused at once", () => {
    const make = (telemetry: unknown) => () =>
      createQueueWorker({ opt: testQueue("opt") }, { opt: () => {} }, { telemetry: telemetry as never });
    expect(make({ depthIntervalMs: -1 })).toThrow(
      "pgmq-gen worker: telemetry.depthIntervalMs must be an integer from 0 (no depth gauge) to 2147483647 milliseconds, got -1",
    );
    expect(make({ depthIntervalMs: 2 ** 31 })).toThrow(/got 2147483648/);
    expect(make({ depthIntervalMs: 1.5 })).toThrow(/got 1.5/);
    expect(make(true)).toThrow("pgmq-gen worker: telemetry must be false or an object ({ depthIntervalMs })");
    expect(make(false)).not.toThrow();
    expect(make({})).not.toThrow();
  });
});
