/**
 * The dashboard's actions, each a POST: redrive and purge dead letters,
 * cancel a job, and unlock (take the session the token gives). Each asks
 * first (a confirmation page: what would change, counted), acts only on the
 * confirmed form, logs what it did, and redirects to a page that says so.
 * Who may act is `ActionAccess`'s: refused requests change nothing.
 */
import { cancelJob, type DeadLetterFilter, deadLetters, findJob } from "@pgmq-gen/runtime";
import { type ActionRefusal, sameOriginRequest } from "./actionAccess.js";
import { actionMode, type DashboardContext, type DashboardReply, type DashboardRequest } from "./dashboardContext.js";
import { html } from "./html.js";
import { confirmationContent } from "./pages/actionForms.js";
import { JOB_STATES } from "./pages/jobPage.js";
import { page } from "./pages/layout.js";
import { unlockFormContent } from "./pages/unlockPage.js";
import { deadLettersPath, jobPath, queuePath, withQuery } from "./paths.js";
import {
  configuredQueue,
  deadLetterFilterFields,
  HttpProblem,
  parseMessageId,
  selectedIds,
  withDeadLetterQueue,
} from "./requestValues.js";

const REFUSALS: Readonly<Record<ActionRefusal, string>> = {
  "read-only":
    "This dashboard is read-only: it was started without --allow-actions, so nothing can be redriven, purged or cancelled from it.",
  "no-token":
    "This action needs the dashboard's token: open the link `pgmq-gen dashboard --allow-actions` printed, or unlock at /unlock.",
  "cross-origin":
    "This request did not come from the dashboard's own pages (its Origin is another site's), so it was refused.",
};

/** Refuses (403) a request that may not act; nothing has been read or changed yet. */
function checkMayAct(context: DashboardContext, request: DashboardRequest, action: string): void {
  const refusal = context.access.refusal(request.raw, context.origin);
  if (refusal === null) return;
  context.logger.warn({ action, refusal, path: request.url.pathname }, `dashboard: ${action} refused (${refusal})`);
  throw new HttpProblem(403, "Action refused", REFUSALS[refusal]);
}

function plural(count: number, word: string): string {
  return `${count.toLocaleString("en-US")} ${word}${count === 1 ? "" : "s"}`;
}

type DeadLetterAction = "redrive" | "purge";

async function deadLetterAction(
  action: DeadLetterAction,
  context: DashboardContext,
  request: DashboardRequest,
): Promise<DashboardReply> {
  const queue = withDeadLetterQueue(configuredQueue(context.queues, request.params[0]!));
  checkMayAct(context, request, action);
  const form = request.form;
  const scope = form.get("scope");
  let filter: DeadLetterFilter;
  const fields: [string, string][] = [["scope", scope ?? ""]];
  if (scope === "selected") {
    const ids = selectedIds(form);
    if (ids.length === 0)
      throw new HttpProblem(400, "Nothing selected", "Select at least one dead letter (its box in the list) first.");
    filter = { ids };
    for (const id of ids) fields.push(["id", id.toString()]);
  } else if (scope === "matching") {
    const { text, filter: matching } = deadLetterFilterFields(form);
    filter = matching;
    fields.push(["reason", text.reason], ["older-than", text.olderThan]);
  } else throw new HttpProblem(400, "Bad form", 'scope must be "selected" or "matching"');

  const dlq = deadLetters(queue.queue, { deadLetterQueue: queue.deadLetter, db: context.db });
  const back = deadLettersPath(queue.queue);
  const verb = action === "redrive" ? "Redrive" : "Purge";
  if (form.get("confirm") !== "yes") {
    const count = await dlq.count(filter);
    const question =
      count === 0
        ? html`No dead letter of ${queue.queue} matches any more: there is nothing to ${action}.`
        : action === "redrive"
          ? html`Move ${plural(count, "dead letter")} of ${queue.queue} back to ${queue.queue}, as new messages with their attempts counted anew?`
          : html`Delete ${plural(count, "dead letter")} of ${queue.queue} from ${queue.deadLetter} for good? This cannot be undone.`;
    const body =
      count === 0
        ? html`<p>${question}</p><p><a href="${back}">Back to the dead letters</a></p>`
        : confirmationContent({
            question,
            action: `${back}/${action}`,
            fields,
            button: `${verb} ${plural(count, "dead letter")}`,
            destructive: action === "purge",
            back,
          });
    const frame = {
      title: `${verb} dead letters of ${queue.queue}?`,
      crumbs: [
        { label: queue.queue, href: queuePath(queue.queue) },
        { label: "Dead letters", href: back },
      ],
      mode: actionMode(context, request),
      readAt: new Date(),
    };
    return { kind: "page", status: 200, body: page(frame, body) };
  }
  const run = action === "redrive" ? await dlq.redrive(filter) : await dlq.purge(filter);
  context.logger.info(
    { action, queue: queue.queue, deadLetterQueue: queue.deadLetter, count: run.count, batches: run.batches },
    `dashboard: ${action === "redrive" ? "redrove" : "purged"} ${plural(run.count, "dead letter")} of ${queue.queue}`,
  );
  return { kind: "redirect", location: withQuery(back, { done: action, count: String(run.count) }) };
}

export function redriveAction(context: DashboardContext, request: DashboardRequest): Promise<DashboardReply> {
  return deadLetterAction("redrive", context, request);
}

export function purgeAction(context: DashboardContext, request: DashboardRequest): Promise<DashboardReply> {
  return deadLetterAction("purge", context, request);
}

export async function cancelAction(context: DashboardContext, request: DashboardRequest): Promise<DashboardReply> {
  const queue = configuredQueue(context.queues, request.params[0]!);
  const id = parseMessageId(request.params[1]);
  if (id === null) throw new HttpProblem(404, "No such job", "A job id is digits.");
  checkMayAct(context, request, "cancel");
  const force = request.form.get("force") === "yes";
  const options = { deadLetterQueue: queue.deadLetter, db: context.db };
  if (request.form.get("confirm") !== "yes") {
    const job = await findJob(queue.queue, id, options);
    if (job === null) throw new HttpProblem(404, "No such job", `No job with id ${id} is in ${queue.queue}.`);
    const cancellable = job.state === "queued" || job.state === "delayed" || (job.state === "in_flight" && force);
    const body = cancellable
      ? confirmationContent({
          question: html`Delete job ${id.toString()} of ${queue.queue}? It is ${JOB_STATES[job.state]}.${job.state === "in_flight" ? " Its handler goes on; its ack then finds nothing." : ""}`,
          action: `${jobPath(queue.queue, id)}/cancel`,
          fields: force ? [["force", "yes"]] : [],
          button: `Cancel job ${id}`,
          destructive: true,
          back: jobPath(queue.queue, id),
        })
      : html`<p>Job ${id.toString()} cannot be cancelled: it is ${JOB_STATES[job.state]}.${job.state === "in_flight" ? " Tick the box on its page to cancel it anyway." : ""}</p><p><a href="${jobPath(queue.queue, id)}">Back to the job</a></p>`;
    const frame = {
      title: `Cancel job ${id}?`,
      crumbs: [{ label: queue.queue, href: queuePath(queue.queue) }],
      mode: actionMode(context, request),
      readAt: new Date(),
    };
    return { kind: "page", status: cancellable ? 200 : 409, body: page(frame, body) };
  }
  const result = await cancelJob(queue.queue, id, { ...options, inFlight: force });
  context.logger.info(
    { action: "cancel", queue: queue.queue, msgId: id.toString(), ...result },
    `dashboard: job ${id} of ${queue.queue} ${result.cancelled ? "cancelled" : `not cancelled (${result.state})`}`,
  );
  const notice = { done: "cancel", id: id.toString(), was: result.state, cancelled: result.cancelled ? "yes" : "no" };
  // Cancelled, the job is gone: its page would be a 404, so the queue's page says so instead.
  const target = result.cancelled || result.state === "not_found" ? queuePath(queue.queue) : jobPath(queue.queue, id);
  return { kind: "redirect", location: withQuery(target, notice) };
}

function unlockPage(context: DashboardContext, request: DashboardRequest, problem: string | null): DashboardReply {
  const frame = { title: "Unlock actions", crumbs: [], mode: actionMode(context, request), readAt: new Date() };
  if (!context.access.allowActions)
    return {
      kind: "page",
      status: 403,
      body: page(frame, html`<p>${REFUSALS["read-only"]}</p>`),
    };
  return { kind: "page", status: problem === null ? 200 : 403, body: page(frame, unlockFormContent(problem)) };
}

/** Gives this browser the session when `token` is the dashboard's; the form again, with why, when not. */
function unlockWith(context: DashboardContext, request: DashboardRequest, token: string): DashboardReply {
  if (!context.access.allowActions) return unlockPage(context, request, null);
  if (!context.access.tokenMatches(token)) {
    context.logger.warn({ path: request.url.pathname }, "dashboard: unlock refused (wrong token)");
    return unlockPage(context, request, "That is not this dashboard's token.");
  }
  return { kind: "redirect", location: "/", setCookie: context.access.sessionCookie() };
}

/** `GET /unlock[?token=...]`: the link printed at start unlocks at once, and the address bar loses the token. */
export async function unlockGet(context: DashboardContext, request: DashboardRequest): Promise<DashboardReply> {
  const token = request.url.searchParams.get("token");
  if (token === null) return unlockPage(context, request, null);
  return unlockWith(context, request, token);
}

export async function unlockPost(context: DashboardContext, request: DashboardRequest): Promise<DashboardReply> {
  if (context.access.allowActions && !sameOriginRequest(request.raw, context.origin))
    throw new HttpProblem(403, "Action refused", REFUSALS["cross-origin"]);
  return unlockWith(context, request, request.form.get("token") ?? "");
}
