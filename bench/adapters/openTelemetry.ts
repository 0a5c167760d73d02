/**
 * The OpenTelemetry SDK as an application that traces registers it, for the
 * `pgmq-gen+otel` system: a tracer provider whose spans are really created,
 * sampled and batched (BatchSpanProcessor) into an exporter that drops them,
 * the AsyncLocalStorage context manager, W3C propagation, and a meter
 * provider whose instruments record (its reader is never collected). What it
 * measures is the runtime's spans, headers and metrics, not an exporter's I/O.
 * Registered for one session and removed at its end: the systems share the
 * bench process.
 */
import { context, metrics, propagation, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { ExportResultCode, W3CTraceContextPropagator } from "@opentelemetry/core";
import { MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from "@opentelemetry/sdk-trace-base";

class UncollectedReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

const droppingExporter: SpanExporter = {
  export: (_spans, done) => done({ code: ExportResultCode.SUCCESS }),
  shutdown: async () => {},
};

/** Registers the SDK globally; the returned function shuts it down and unregisters it. */
export function registerOpenTelemetry(): () => Promise<void> {
  const contextManager = new AsyncLocalStorageContextManager().enable();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(droppingExporter)] });
  const meterProvider = new MeterProvider({ readers: [new UncollectedReader()] });
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(tracerProvider);
  // `@opentelemetry/api` here is bench/node_modules' (1.10, pg-boss's), the SDK's and the runtime's the
  // root's (1.9): two copies of major 1 share one global registry, so the registration reaches the
  // runtime, but their metric types differ by a gauge signature the SDK's meter never uses here.
  metrics.setGlobalMeterProvider(meterProvider as unknown as Parameters<typeof metrics.setGlobalMeterProvider>[0]);
  return async () => {
    await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
    trace.disable();
    metrics.disable();
    propagation.disable();
    context.disable();
  };
}
