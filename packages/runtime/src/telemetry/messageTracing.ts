/**
 * Traces across the queue, after OpenTelemetry's semantic conventions for
 * messaging: a push is a `send <queue>` span (kind PRODUCER) whose context
 * is written into the message's headers by the application's registered
 * propagator (W3C `traceparent` and `tracestate` with the SDK's defaults);
 * each attempt at a job is a `process <queue>` span (kind CONSUMER), a child
 * of the context its headers carry, or a root span when they carry none (a
 * message of another PGMQ client). The handler runs with that span active,
 * so what it traces (queries, HTTP calls, pushes) nests under it.
 *
 * A header the caller gave that the propagator would write (`traceparent`,
 * say) keeps the caller's value, and then none of the propagator's headers
 * is added: a trace context is written whole or not at all.
 *
 * Tracing never fails a push or a job: an application's SDK (a span
 * processor, a propagator) that throws costs the trace, and a thrown value
 * that is not an Error (one whose toString throws) is recorded through
 * `describeError`.
 */
import type { Context, Span, TextMapGetter, Tracer } from "@opentelemetry/api";
import type { ReadMessage } from "../pgmq.js";
import { isInstance, stringField } from "../thrownValues.js";
import type { JsonValue, MessageHeaders } from "../types.js";
import { describeError } from "../worker/failureReason.js";
import { INSTRUMENTATION_NAME, type OtelApiModule, RUNTIME_VERSION } from "./otelApi.js";
import type { AttemptOutcome, AttemptTrace, PushTracing } from "./telemetryTypes.js";

/** The value of `messaging.system`. */
const MESSAGING_SYSTEM = "pgmq";

const headersGetter: TextMapGetter<MessageHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value: JsonValue | undefined = Object.hasOwn(carrier, key) ? carrier[key] : undefined;
    return typeof value === "string" ? value : undefined;
  },
};

/** A job's attempt being traced: its span, and the context the handler runs in. */
class AttemptSpan implements AttemptTrace {
  readonly #api: OtelApiModule;
  readonly #span: Span;
  readonly #context: Context;
  #ended = false;

  constructor(api: OtelApiModule, span: Span, context: Context) {
    this.#api = api;
    this.#span = span;
    this.#context = context;
  }

  within<T>(run: () => T): T {
    return this.#api.context.with(this.#context, run);
  }

  end(outcome: AttemptOutcome, error?: unknown, reason?: string): void {
    if (this.#ended) return;
    this.#ended = true;
    const span = this.#span;
    try {
      span.setAttribute("pgmq_gen.outcome", outcome);
      if (error !== undefined) recordError(this.#api, span, error);
      else if (outcome !== "done") span.setStatus({ code: this.#api.SpanStatusCode.ERROR, message: reason ?? outcome });
    } finally {
      endQuietly(span);
    }
  }
}

export class MessageTracing implements PushTracing {
  readonly #api: OtelApiModule;
  readonly #tracer: Tracer;

  constructor(api: OtelApiModule) {
    this.#api = api;
    // A proxy tracer: a provider registered after this still gets the spans.
    this.#tracer = api.trace.getTracer(INSTRUMENTATION_NAME, RUNTIME_VERSION);
  }

  /** See `PushTracing.send`; the span gets the message id of a single push. */
  async send<T>(
    queue: string,
    count: number,
    callerHeaders: Readonly<Record<string, JsonValue>> | null,
    send: (traceHeaders: Readonly<Record<string, string>> | null) => Promise<T>,
  ): Promise<T> {
    const api = this.#api;
    const active = api.context.active();
    let span: Span;
    try {
      span = this.#tracer.startSpan(
        `send ${queue}`,
        {
          kind: api.SpanKind.PRODUCER,
          attributes: {
            "messaging.system": MESSAGING_SYSTEM,
            "messaging.destination.name": queue,
            "messaging.operation.type": "send",
            "messaging.operation.name": "send",
            ...(count > 1 ? { "messaging.batch.message_count": count } : {}),
          },
        },
        active,
      );
    } catch {
      return send(null);
    }
    const spanContext = api.trace.setSpan(active, span);
    const traceHeaders = this.#traceHeaders(spanContext, callerHeaders);
    try {
      const result = await api.context.with(spanContext, () => send(traceHeaders));
      if (typeof result === "bigint") span.setAttribute("messaging.message.id", String(result));
      return result;
    } catch (error) {
      recordError(api, span, error);
      throw error;
    } finally {
      endQuietly(span);
    }
  }

  /** The propagator's headers for `context`, unless the caller gave one of them. */
  #traceHeaders(
    context: Context,
    callerHeaders: Readonly<Record<string, JsonValue>> | null,
  ): Readonly<Record<string, string>> | null {
    const propagation = this.#api.propagation;
    try {
      if (callerHeaders !== null && propagation.fields().some((field) => Object.hasOwn(callerHeaders, field))) {
        return null;
      }
      const carrier: Record<string, string> = {};
      propagation.inject(context, carrier);
      for (const key of Object.keys(carrier)) if (typeof carrier[key] !== "string") delete carrier[key];
      return Object.keys(carrier).length === 0 ? null : carrier;
    } catch {
      // An application's propagator that throws costs the trace its link, never the push.
      return null;
    }
  }

  /**
   * Starts the `process <queue>` span of one attempt at `message`, a child
   * of the trace context in its headers, else a root span (never a child of
   * whatever was active when the worker started).
   */
  startAttempt(queue: string, message: ReadMessage): AttemptTrace {
    try {
      return this.#startAttempt(queue, message);
    } catch {
      return UNTRACED_ATTEMPT;
    }
  }

  #startAttempt(queue: string, message: ReadMessage): AttemptTrace {
    const api = this.#api;
    let parent = api.ROOT_CONTEXT;
    if (message.headers !== null) {
      try {
        parent = api.propagation.extract(api.ROOT_CONTEXT, message.headers, headersGetter);
      } catch {
        parent = api.ROOT_CONTEXT;
      }
    }
    const span = this.#tracer.startSpan(
      `process ${queue}`,
      {
        kind: api.SpanKind.CONSUMER,
        attributes: {
          "messaging.system": MESSAGING_SYSTEM,
          "messaging.destination.name": queue,
          "messaging.operation.type": "process",
          "messaging.operation.name": "process",
          "messaging.message.id": String(message.msgId),
          "pgmq_gen.attempt": message.readCt,
        },
      },
      parent,
    );
    return new AttemptSpan(api, span, api.trace.setSpan(parent, span));
  }
}

/** The attempt of a tracer that threw when the span was started: the handler runs untraced. */
const UNTRACED_ATTEMPT: AttemptTrace = { within: (run) => run(), end: () => {} };

/** Ends `span`; a span processor that throws there is the application's SDK's failure, never the caller's. */
function endQuietly(span: Span): void {
  try {
    span.end();
  } catch {
    // Nothing to do: the span is lost, the push or the job is not.
  }
}

/** Records `error`, whatever was thrown: reads of it never throw (thrownValues.ts, describeError). */
function recordError(api: OtelApiModule, span: Span, error: unknown): void {
  try {
    const message = describeError(error);
    if (isInstance(error, Error)) {
      span.recordException(error as Error);
      span.setAttribute("error.type", stringField(error, "name") ?? "Error");
    } else {
      span.recordException(message);
      span.setAttribute("error.type", "_OTHER");
    }
    span.setStatus({ code: api.SpanStatusCode.ERROR, message });
  } catch {
    // An Error whose getters throw inside the SDK's recordException: the span keeps what it had.
  }
}
