/**
 * Telemetry against hostile input: handlers that throw what is not an
 * Error, propagators and span processors that throw, trace headers that are
 * malformed, huge or not strings. Registered globally as the otel test does.
 */
import {
  context,
  createNoopMeter,
  type Meter,
  metrics,
  propagation,
  type TextMapPropagator,
  trace,
} from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { configure } from "../../packages/runtime/src/connection.js";
import { createProducer } from "../../packages/runtime/src/producer.js";
import type { QueueOptions } from "../../packages/runtime/src/types.js";
import { createQueueWorker } from "../../packages/runtime/src/worker.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { type TestJob, testQueue, waitFor } from "../worker/support/workerTestQueue.js";

const spans = new InMemorySpanExporter();
let processorThrows = false;
let exporterThrows = false;
const throwingExporter = {
  export: (_spans: ReadableSpan[], done: (result: { code: number }) => void) => {
    if (exporterThrows) throw new Error("exporter throws");
    done({ code: 0 });
  },
  shutdown: async () => {},
};
const throwingProcessor: SpanProcessor = {
  onStart: () => {
    if (processorThrows) throw new Error("processor onStart throws");
  },
  onEnd: () => {
    if (processorThrows) throw new Error("processor onEnd throws");
  },
  forceFlush: async () => {},
  shutdown: async () => {},
};
const w3c = new W3CTraceContextPropagator();
let propagatorThrows = false;
const propagator: TextMapPropagator = {
  inject: (ctx, carrier, setter) => {
    if (propagatorThrows) throw new Error("inject throws");
    w3c.inject(ctx, carrier, setter);
  },
  extract: (ctx, carrier, getter) => {
    if (propagatorThrows) throw new Error("extract throws");
    return w3c.extract(ctx, carrier, getter);
  },
  fields: () => w3c.fields(),
};
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
propagation.setGlobalPropagator(propagator);
trace.setGlobalTracerProvider(
  new BasicTracerProvider({
    spanProcessors: [throwingProcessor, new SimpleSpanProcessor(throwingExporter), new SimpleSpanProcessor(spans)],
  }),
);

/** A meter whose instruments throw while `metricsThrow` is set: an application's broken metrics SDK. */
let metricsThrow = false;
const noopMeter = createNoopMeter();
const throwing = <T extends object>(instrument: T): T =>
  new Proxy(instrument, {
    get: (target, key, receiver) => {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        if (metricsThrow) throw new Error(`metrics ${String(key)} throws`);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
const throwingMeter: Meter = {
  ...noopMeter,
  createCounter: (...args) => throwing(noopMeter.createCounter(...args)),
  createHistogram: (...args) => throwing(noopMeter.createHistogram(...args)),
  createObservableGauge: (...args) => noopMeter.createObservableGauge(...args),
};
metrics.setGlobalMeterProvider({ getMeter: () => throwingMeter });

const db = useTestDatabase("telemetry_hostile");
beforeAll(() => {
  configure({ pool: db.pool });
});
afterEach(() => {
  spans.reset();
  processorThrows = false;
  metricsThrow = false;
  exporterThrows = false;
  propagatorThrows = false;
});

async function startWorker(
  name: string,
  options: Partial<QueueOptions>,
  handle: (job: TestJob) => void | Promise<void>,
) {
  const definition = testQueue(name, options);
  const worker = db.track(
    createQueueWorker(
      { [name]: definition },
      { [name]: handle },
      { pool: db.pool, pollInterval: 50, telemetry: { depthIntervalMs: 0 } },
    ),
  );
  const ended: string[] = [];
  const errors: unknown[] = [];
  worker.on("job:complete", () => ended.push("complete"));
  worker.on("job:fail", () => ended.push("fail"));
  worker.on("job:kill", () => ended.push("kill"));
  worker.on("error", (error) => errors.push(error));
  await worker.start();
  return { worker, ended, errors, producer: createProducer(definition) };
}

function spansNamed(name: string): ReadableSpan[] {
  return spans.getFinishedSpans().filter((span) => span.name === name);
}

describe("thrown values that are not Errors", () => {
  const unprintable = Object.create(null) as object;
  const toStringThrows = {
    toString() {
      throw new Error("toString throws");
    },
  };
  const cases: Array<[string, unknown]> = [
    ["a string", "plain string"],
    ["undefined", undefined],
    ["an object without a prototype", unprintable],
    ["an object whose toString throws", toStringThrows],
  ];
  it.each(cases)(
    "issue 15 #7: a handler that throws %s: the attempt is failed, then killed, with spans ended and no error event",
    async (_, thrown) => {
      const name = `nonerr_${cases.findIndex(([, value]) => value === thrown)}`;
      const { worker, ended, errors, producer } = await startWorker(
        name,
        { maxRetries: 1, backoff: { kind: "fixed", delay: 0 } },
        () => {
          throw thrown;
        },
      );
      await producer.push({ n: 1 });
      await waitFor(() => ended.length === 2, 10_000, "two attempts");
      expect(ended).toEqual(["fail", "kill"]);
      expect(errors).toEqual([]);
      const started = Date.now();
      await worker.stop();
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(
        spansNamed(`process ${name}`)
          .map((span) => span.attributes["pgmq_gen.outcome"])
          .sort(),
      ).toEqual(["failed", "killed"]);
    },
  );
});

describe("hostile tracing set-ups", () => {
  it("issue 15 #7: a propagator that throws in inject and extract costs the link, never the push or the job", async () => {
    const { worker, ended, errors, producer } = await startWorker("prop_throws", {}, () => {});
    propagatorThrows = true;
    await producer.push({ n: 1 });
    await producer.pushBatch([{ n: 2 }, { n: 3 }]);
    await waitFor(() => ended.length === 3, 10_000, "three jobs");
    expect(errors).toEqual([]);
    await worker.stop();
  });

  it("issue 15 #7: an exporter that throws never costs a push or a job", async () => {
    const { worker, ended, errors, producer } = await startWorker("exporter_throws", {}, () => {});
    exporterThrows = true;
    await producer.push({ n: 1 });
    await waitFor(() => ended.length === 1, 10_000, "the job");
    await worker.stop();
    expect(errors).toEqual([]);
  });

  it("issue 15 #7: a span processor that throws in onStart and onEnd never costs a push or a job", async () => {
    const { worker, ended, errors, producer } = await startWorker(
      "processor_throws",
      { maxRetries: 1, backoff: { kind: "fixed", delay: 0 } },
      (job) => {
        if (job.n === 2) throw new Error("fails");
      },
    );
    processorThrows = true;
    let pushError: unknown = null;
    try {
      await producer.push({ n: 1 });
      await producer.push({ n: 2 });
    } catch (error) {
      pushError = error;
    }
    expect(pushError).toBe(null);
    await waitFor(() => ended.length === 3, 10_000, "three endings");
    expect(ended.sort()).toEqual(["complete", "fail", "kill"]);
    const started = Date.now();
    await worker.stop();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(errors).toEqual([]);
  });

  it("issue 15 #7: metric instruments that throw never cost a job its ack or its events", async () => {
    const { worker, ended, errors, producer } = await startWorker(
      "metrics_throw",
      { maxRetries: 1, backoff: { kind: "fixed", delay: 0 } },
      (job) => {
        if (job.n === 2) throw new Error("fails");
      },
    );
    metricsThrow = true;
    await producer.push({ n: 1 });
    await producer.push({ n: 2 });
    await waitFor(() => ended.length === 3, 10_000, "three endings");
    expect(ended.sort()).toEqual(["complete", "fail", "kill"]);
    const started = Date.now();
    await worker.stop();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(errors).toEqual([]);
    const { rows } = await db.pool.query("SELECT count(*)::int AS n FROM pgmq.q_metrics_throw");
    expect(rows[0].n).toBe(0);
  });

  it("issue 15 #7: trace headers that are malformed, huge, not strings, or headers that are not an object: jobs run as root spans", async () => {
    const name = "bad_headers";
    const { worker, ended, errors } = await startWorker(name, {}, () => {});
    const headerValues = [
      { traceparent: "garbage" },
      { traceparent: `00-${"a".repeat(100_000)}` },
      { traceparent: 123 },
      { traceparent: { nested: true } },
      { traceparent: ["00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"] },
      { traceparent: null },
      [1, 2, 3],
      "a string",
      42,
      null,
    ];
    for (const headers of headerValues) {
      await db.pool.query(
        `INSERT INTO pgmq.q_${name} (vt, message, headers) VALUES (clock_timestamp(), $1::jsonb, $2::jsonb)`,
        [JSON.stringify({ n: 1 }), JSON.stringify(headers)],
      );
    }
    await waitFor(() => ended.length === headerValues.length, 10_000, "every job");
    expect(ended.every((e) => e === "complete")).toBe(true);
    expect(errors).toEqual([]);
    const processed = spansNamed(`process ${name}`);
    expect(processed).toHaveLength(headerValues.length);
    for (const span of processed) expect(span.parentSpanContext).toBeUndefined();
    await worker.stop();
  });

  it("issue 15 #7: a caller's traceparent that is not a string is kept and no trace header is added", async () => {
    const definition = testQueue("caller_tp");
    const { worker, ended, errors } = await startWorker("caller_tp", {}, () => {});
    const producer = createProducer(definition);
    await producer.push({ n: 1 }, { headers: { traceparent: 42 } });
    await producer.push({ n: 2 }, { headers: { traceparent: { a: 1 } } });
    await waitFor(() => ended.length === 2, 10_000, "two jobs");
    expect(errors).toEqual([]);
    await worker.stop();
  });

  it("issue 15 #7: pushBatch of 10,000 jobs is one send span and every message carries a traceparent", async () => {
    const definition = testQueue("big_batch");
    await createProducer(definition)
      .push({ n: 0 })
      .catch(() => {});
    const producer = createProducer(definition);
    const ids = await producer.pushBatch(Array.from({ length: 10_000 }, (_, n) => ({ n })));
    expect(ids).toHaveLength(10_000);
    expect(
      spansNamed("send big_batch").filter((s) => s.attributes["messaging.batch.message_count"] === 10_000),
    ).toHaveLength(1);
    const { rows } = await db.pool.query(
      "SELECT count(*)::int AS n FROM pgmq.q_big_batch WHERE headers ? 'traceparent'",
    );
    expect(rows[0].n).toBe(10_001);
  });
});

describe("configure", () => {
  it("issue 15 #7: configure({ telemetry }) or ({ autoCreate }) that is not true or false is refused, naming the option", () => {
    expect(() => configure({ telemetry: "yes" as never })).toThrow(
      'pgmq-gen configure: telemetry must be true or false, got "yes"',
    );
    expect(() => configure({ telemetry: 0 as never })).toThrow(
      "pgmq-gen configure: telemetry must be true or false, got 0",
    );
    expect(() => configure({ autoCreate: "no" as never })).toThrow(
      'pgmq-gen configure: autoCreate must be true or false, got "no"',
    );
    expect(() => configure({ telemetry: true, autoCreate: true })).not.toThrow();
  });
});
