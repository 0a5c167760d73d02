/**
 * The dashboard's HTTP server, on `node:http`: the routes, the checks every
 * request passes first (method, Host, body size and type), the headers
 * every answer carries (a strict Content-Security-Policy: the pages load
 * nothing but their own style sheet and script), and the error pages. A
 * database that fails or times out makes a 503 page and a log line; the
 * server goes on, and the next refresh tries again.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type Logger, type Queryable, QueueMissingError } from "@pgmq-gen/runtime";
import { STATUS_DEFAULTS } from "@pgmq-gen/runtime/contract";
import { ActionAccess, hostAllowed, isLoopbackHost } from "./actionAccess.js";
import { cancelAction, purgeAction, redriveAction, unlockGet, unlockPost } from "./actions.js";
import { DASHBOARD_SCRIPT } from "./assets/dashboardScript.js";
import { DASHBOARD_CSS } from "./assets/dashboardStyles.js";
import type { DashboardContext, DashboardReply, DashboardRequest } from "./dashboardContext.js";
import type { DashboardQueues } from "./dashboardQueues.js";
import { DASHBOARD_DEFAULTS } from "./dashboardDefaults.js";
import { DepthHistory } from "./depthHistory.js";
import { html } from "./html.js";
import { page } from "./pages/layout.js";
import { deadLetterPage, deadLettersPage, jobLookup, jobPage, overviewPage, queuePage } from "./readPages.js";
import { HttpProblem } from "./requestValues.js";
import { DepthSampler } from "./depthSampler.js";
import { ThroughputHistory } from "./throughputHistory.js";

/** Open connections the dashboard accepts at once; more are refused until some close. */
export const MAX_CONNECTIONS = 128;

/** Bytes of a form a POST may send: a page's selection of ids fits many times over. */
export const MAX_FORM_BYTES = 256 * 1024;

export interface DashboardOptions {
  readonly queues: DashboardQueues;
  /** Where to read and act: a pool, ended by the caller after `close()`. */
  readonly db: Queryable;
  readonly logger: Logger;
  /** Address to listen on. (Default: 127.0.0.1) */
  readonly host?: string;
  /** Port to listen on; 0 for any free one. (Default: 5050) */
  readonly port?: number;
  /** Actions allowed (`--allow-actions`), and the token they need. (Default: read-only) */
  readonly actions?: { readonly token: string } | null;
  /** `queueStatus`'s countCap. (Default: the runtime's, 10000) */
  readonly countCap?: number;
  /** Seconds between a page's live refreshes. (Default: 5) */
  readonly refreshSeconds?: number;
  /** Between background depth samples. Milliseconds. (Default: 15000) */
  readonly sampleIntervalMs?: number;
}

export interface Dashboard {
  /** `http://127.0.0.1:5050`: the address to open, without a trailing slash. */
  readonly origin: string;
  readonly port: number;
  /** Stops listening, ends open connections and the sampler; the pool is the caller's. */
  close(): Promise<void>;
}

type Handler = (context: DashboardContext, request: DashboardRequest) => Promise<DashboardReply>;

interface Route {
  readonly method: "GET" | "POST";
  readonly pattern: RegExp;
  readonly handler: Handler;
}

const SEGMENT = "([^/]+)";
const asset =
  (body: string, contentType: string): Handler =>
  async () => ({ kind: "asset", body, contentType });

const ROUTES: readonly Route[] = [
  { method: "GET", pattern: /^\/$/, handler: overviewPage },
  { method: "GET", pattern: /^\/assets\/dashboard\.css$/, handler: asset(DASHBOARD_CSS, "text/css; charset=utf-8") },
  {
    method: "GET",
    pattern: /^\/assets\/dashboard\.js$/,
    handler: asset(DASHBOARD_SCRIPT, "text/javascript; charset=utf-8"),
  },
  { method: "GET", pattern: /^\/unlock$/, handler: unlockGet },
  { method: "POST", pattern: /^\/unlock$/, handler: unlockPost },
  { method: "GET", pattern: new RegExp(`^/queues/${SEGMENT}$`), handler: queuePage },
  { method: "GET", pattern: new RegExp(`^/queues/${SEGMENT}/jobs$`), handler: jobLookup },
  { method: "GET", pattern: new RegExp(`^/queues/${SEGMENT}/jobs/${SEGMENT}$`), handler: jobPage },
  { method: "POST", pattern: new RegExp(`^/queues/${SEGMENT}/jobs/${SEGMENT}/cancel$`), handler: cancelAction },
  { method: "GET", pattern: new RegExp(`^/queues/${SEGMENT}/dead-letters$`), handler: deadLettersPage },
  { method: "POST", pattern: new RegExp(`^/queues/${SEGMENT}/dead-letters/redrive$`), handler: redriveAction },
  { method: "POST", pattern: new RegExp(`^/queues/${SEGMENT}/dead-letters/purge$`), handler: purgeAction },
  { method: "GET", pattern: new RegExp(`^/queues/${SEGMENT}/dead-letters/${SEGMENT}$`), handler: deadLetterPage },
];

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "Content-Security-Policy":
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "same-origin",
  "X-Frame-Options": "DENY",
  "Cache-Control": "no-store",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Resource-Policy": "same-origin",
};

function errorPage(problem: HttpProblem, context: DashboardContext, raw: IncomingMessage): DashboardReply {
  const frame = {
    title: problem.title,
    crumbs: [],
    mode: { allowed: context.access.allowActions, unlocked: context.access.authorised(raw) },
    readAt: new Date(),
  };
  const body = html`<p class="error" role="alert">${problem.message}</p><p><a href="/">Back to the queues</a></p>`;
  return { kind: "page", status: problem.status, body: page(frame, body) };
}

function send(response: ServerResponse, reply: DashboardReply): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
  if (reply.kind === "redirect") {
    if (reply.setCookie !== undefined) response.setHeader("Set-Cookie", reply.setCookie);
    response.writeHead(303, { Location: reply.location, "Content-Length": "0" }).end();
    return;
  }
  const body = reply.kind === "asset" ? reply.body : reply.body.toString();
  const contentType = reply.kind === "asset" ? reply.contentType : "text/html; charset=utf-8";
  if (reply.kind === "page" && reply.setCookie !== undefined) response.setHeader("Set-Cookie", reply.setCookie);
  response
    .writeHead(reply.kind === "asset" ? 200 : reply.status, {
      "Content-Type": contentType,
      "Content-Length": String(Buffer.byteLength(body)),
    })
    .end(body);
}

/** A POST's form: urlencoded, at most MAX_FORM_BYTES; a 413 or 415 otherwise. */
async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  const type = (request.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded")
    throw new HttpProblem(415, "Unsupported form", "The dashboard takes forms as application/x-www-form-urlencoded.");
  const declared = Number(request.headers["content-length"] ?? "0");
  if (declared > MAX_FORM_BYTES) throw new HttpProblem(413, "Form too large", `At most ${MAX_FORM_BYTES} bytes.`);
  const chunks: Buffer[] = [];
  let size = 0;
  // Not destroyed when the loop throws: the socket must live to carry the 413, sent with Connection: close.
  for await (const chunk of request.iterator({ destroyOnReturn: false })) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) throw new HttpProblem(413, "Form too large", `At most ${MAX_FORM_BYTES} bytes.`);
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

function route(method: string, path: string): { handler: Handler; params: string[] } | "method" | null {
  let pathMatched = false;
  for (const candidate of ROUTES) {
    const match = candidate.pattern.exec(path);
    if (match === null) continue;
    pathMatched = true;
    if (candidate.method === method || (candidate.method === "GET" && method === "HEAD"))
      return { handler: candidate.handler, params: match.slice(1) };
  }
  return pathMatched ? "method" : null;
}

async function answer(
  context: DashboardContext,
  raw: IncomingMessage,
  port: number,
  loopback: boolean,
): Promise<DashboardReply> {
  if (!hostAllowed(raw.headers.host, loopback, port))
    throw new HttpProblem(
      421,
      "Wrong host",
      "This dashboard listens on a loopback address and answers only requests for localhost or 127.0.0.1 with its port.",
    );
  let url: URL;
  try {
    url = new URL(raw.url ?? "/", context.origin);
  } catch {
    throw new HttpProblem(400, "Bad address", "The request's target is not an address this dashboard can read.");
  }
  const method = raw.method ?? "GET";
  const found = route(method, url.pathname);
  if (found === null) throw new HttpProblem(404, "Not found", `Nothing is at ${url.pathname.slice(0, 200)}.`);
  if (found === "method")
    throw new HttpProblem(405, "Method not allowed", `${method.slice(0, 10)} is not answered here.`);
  const form = method === "POST" ? await readForm(raw) : new URLSearchParams();
  return found.handler(context, { method: method as DashboardRequest["method"], url, params: found.params, form, raw });
}

/** Starts the dashboard; resolves once it listens. */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const host = options.host ?? DASHBOARD_DEFAULTS.host;
  const access = new ActionAccess(
    options.actions != null ? { allowActions: true, token: options.actions.token } : { allowActions: false },
  );
  const history = new DepthHistory();
  const loopback = isLoopbackHost(host);
  let context: DashboardContext | undefined;
  let port = 0;

  // Node enforces the timeouts set below only every connectionsCheckingInterval (default 30 s): every second, they hold.
  const server = createServer({ connectionsCheckingInterval: 1000 }, (raw, response) => {
    const current = context;
    // Listening comes before the context (it needs the port): a request in between is told to retry.
    if (current === undefined) {
      response.writeHead(503, { "Retry-After": "1", "Content-Length": "0" }).end();
      return;
    }
    answer(current, raw, port, loopback)
      .catch((error: unknown): DashboardReply => {
        if (error instanceof HttpProblem) return errorPage(error, current, raw);
        // A queue of the config without its table (never pushed, not migrated): an action on it finds nothing.
        if (error instanceof QueueMissingError)
          return errorPage(new HttpProblem(404, "No queue table", error.message), current, raw);
        const reason = error instanceof Error ? error.message : String(error);
        // The path without its query: `/unlock?token=...` must not put the token in a log.
        const path = (raw.url ?? "").split("?")[0];
        current.logger.error({ err: error, path }, `dashboard: ${raw.method} ${path} failed: ${reason}`);
        return errorPage(
          new HttpProblem(
            503,
            "The database did not answer",
            `Reading the queues failed: ${reason.replace(/\.$/, "")}. The next refresh tries again.`,
          ),
          current,
          raw,
        );
      })
      .then((reply) => {
        // A body left unread (a 413, a 415): the connection cannot carry another request.
        if (!raw.complete) response.setHeader("Connection", "close");
        send(response, reply);
      })
      .catch((error: unknown) => {
        current.logger.error(
          { err: error },
          `dashboard: could not answer ${raw.method} ${(raw.url ?? "").split("?")[0]}`,
        );
        response.destroy();
      });
  });
  // Bounded waits for slow or silent clients: a header within 10 s, a whole request within 30 s.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  // A bound on open sockets: a dashboard is for a few people, and each slow client holds one for up to 10 s.
  server.maxConnections = MAX_CONNECTIONS;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? DASHBOARD_DEFAULTS.port, host, () => {
      server.removeListener("error", reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const hostInUrl = host.includes(":") ? `[${host}]` : host === "0.0.0.0" ? "127.0.0.1" : host;
  const origin = `http://${hostInUrl}:${port}`;
  context = {
    queues: options.queues,
    db: options.db,
    countCap: options.countCap ?? STATUS_DEFAULTS.countCap,
    history,
    throughput: new ThroughputHistory(),
    refreshSeconds: options.refreshSeconds ?? DASHBOARD_DEFAULTS.refreshSeconds,
    access,
    logger: options.logger,
    origin,
  };
  server.on("error", (error) => options.logger.error({ err: error }, `dashboard: server error: ${error.message}`));
  const sampler = new DepthSampler({
    queues: options.queues,
    db: options.db,
    history,
    countCap: context.countCap,
    intervalMs: options.sampleIntervalMs ?? DASHBOARD_DEFAULTS.sampleIntervalMs,
    logger: options.logger,
  });
  sampler.start();

  return {
    origin,
    port,
    async close() {
      await sampler.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
