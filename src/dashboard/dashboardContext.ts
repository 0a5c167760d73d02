/**
 * What every dashboard handler is given: the queues, the database, the
 * depth history, who may act, and the request; and what it answers.
 */
import type { IncomingMessage } from "node:http";
import type { Logger, Queryable } from "@pgmq-gen/runtime";
import type { ActionAccess } from "./actionAccess.js";
import type { DashboardQueues } from "./dashboardQueues.js";
import type { DepthHistory } from "./depthHistory.js";
import type { Html } from "./html.js";
import type { ActionMode } from "./pages/layout.js";
import type { ThroughputHistory } from "./throughputHistory.js";

export interface DashboardContext {
  readonly queues: DashboardQueues;
  readonly db: Queryable;
  /** `queueStatus`'s countCap. */
  readonly countCap: number;
  readonly history: DepthHistory;
  readonly throughput: ThroughputHistory;
  /** Seconds between live refreshes of a page. */
  readonly refreshSeconds: number;
  readonly access: ActionAccess;
  readonly logger: Logger;
  /** The dashboard's own origin (`http://127.0.0.1:5050`), which action requests must come from. */
  readonly origin: string;
}

export interface DashboardRequest {
  readonly method: "GET" | "HEAD" | "POST";
  readonly url: URL;
  /** The path's parts after the route's fixed ones (a queue name, an id). */
  readonly params: readonly string[];
  /** A POST's form fields; empty for GET. */
  readonly form: URLSearchParams;
  readonly raw: IncomingMessage;
}

export type DashboardReply =
  | { readonly kind: "page"; readonly status: number; readonly body: Html; readonly setCookie?: string }
  | { readonly kind: "redirect"; readonly location: string; readonly setCookie?: string }
  | { readonly kind: "asset"; readonly body: string; readonly contentType: string };

/** The action mode a request's page shows. */
export function actionMode(context: DashboardContext, request: DashboardRequest): ActionMode {
  return { allowed: context.access.allowActions, unlocked: context.access.authorised(request.raw) };
}
