/**
 * Who may act (redrive, purge, cancel) through the dashboard, and which
 * requests are the dashboard's own. Actions are off unless the dashboard was
 * started with `--allow-actions`; then a request acts only with the token
 * printed at start (or given in `PGMQ_GEN_DASHBOARD_TOKEN`): as the session
 * cookie that opening the printed link sets, or as `Authorization: Bearer`.
 *
 * Two browser attacks are closed here too. A page of another site cannot
 * post to the dashboard in the user's name: the cookie is SameSite=Strict
 * and a POST whose Origin is not the dashboard's is refused. And a hostile
 * DNS name pointed at 127.0.0.1 (DNS rebinding) cannot read pages: a
 * dashboard bound to a loopback address answers only requests whose Host is
 * a loopback name.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

/** The environment variable a token may come from instead of being made at start. */
export const TOKEN_ENVIRONMENT_VARIABLE = "PGMQ_GEN_DASHBOARD_TOKEN";
/** The session cookie's name. */
export const SESSION_COOKIE = "pgmq_gen_dashboard";
/** A given token must be at least this long: a short one could be guessed by trying. */
export const MIN_TOKEN_LENGTH = 16;

/** A new token: 32 random bytes, base64url. */
export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

/** Why a token given in the environment is refused, or null when it serves. */
export function tokenProblem(token: string): string | null {
  if (token.length < MIN_TOKEN_LENGTH)
    return `${TOKEN_ENVIRONMENT_VARIABLE} must be at least ${MIN_TOKEN_LENGTH} characters (it has ${token.length})`;
  if (!/^[\x21-\x7e]+$/.test(token))
    return `${TOKEN_ENVIRONMENT_VARIABLE} may hold only printable ASCII characters without spaces`;
  return null;
}

/** Compares digests, not the texts: equal lengths for timingSafeEqual, and no time that depends on the secret's length. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export interface ActionAccessOptions {
  /** Actions are allowed at all (`--allow-actions`). */
  allowActions: boolean;
  /** The token; required when `allowActions`. */
  token?: string;
}

export type ActionRefusal = "read-only" | "no-token" | "cross-origin";

export class ActionAccess {
  readonly allowActions: boolean;
  readonly #token: string | null;
  /** The cookie's value: derived from the token, so the token itself never sits in the browser's cookie jar. */
  readonly #session: string | null;

  constructor(options: ActionAccessOptions) {
    this.allowActions = options.allowActions;
    if (options.allowActions && (options.token === undefined || options.token === ""))
      throw new TypeError("allowActions needs a token");
    this.#token = options.allowActions ? options.token! : null;
    this.#session =
      this.#token === null
        ? null
        : createHmac("sha256", this.#token).update("pgmq-gen dashboard session").digest("base64url");
  }

  /** `token` is the dashboard's. */
  tokenMatches(token: string): boolean {
    return this.#token !== null && sameSecret(token, this.#token);
  }

  /** The Set-Cookie value that lets this browser act. */
  sessionCookie(): string {
    if (this.#session === null) throw new Error("actions are not allowed: no session to give");
    return `${SESSION_COOKIE}=${this.#session}; HttpOnly; SameSite=Strict; Path=/`;
  }

  /** The request carries the token: the session cookie or a bearer header. */
  authorised(request: IncomingMessage): boolean {
    if (this.#token === null || this.#session === null) return false;
    const bearer = /^Bearer (\S+)$/.exec(request.headers.authorization ?? "");
    if (bearer !== null) return sameSecret(bearer[1]!, this.#token);
    const cookie = cookieValue(request.headers.cookie, SESSION_COOKIE);
    return cookie !== null && sameSecret(cookie, this.#session);
  }

  /** Why an action request must be refused, or null when it may act. */
  refusal(request: IncomingMessage, origin: string): ActionRefusal | null {
    if (!this.allowActions) return "read-only";
    if (!sameOriginRequest(request, origin)) return "cross-origin";
    if (!this.authorised(request)) return "no-token";
    return null;
  }
}

/** One cookie's value from a Cookie header; null when absent. */
export function cookieValue(header: string | undefined, name: string): string | null {
  for (const part of (header ?? "").split(";")) {
    const separator = part.indexOf("=");
    if (separator < 0) continue;
    if (part.slice(0, separator).trim() === name) return part.slice(separator + 1).trim();
  }
  return null;
}

/**
 * A state-changing request came from the dashboard's own pages (or from a
 * program, which sends no Origin): browsers send Origin on every POST, and
 * Sec-Fetch-Site where they know it. The pages' origin is the printed one,
 * or the one the browser used (`http://localhost:5050` for
 * `http://127.0.0.1:5050`, or `https://...` behind a proxy): its Host has
 * passed `hostAllowed` already.
 */
export function sameOriginRequest(request: IncomingMessage, origin: string): boolean {
  const site = request.headers["sec-fetch-site"];
  if (site !== undefined && site !== "same-origin" && site !== "none") return false;
  const given = request.headers.origin;
  if (given === undefined || given === origin) return true;
  // https: the dashboard behind a TLS-terminating proxy that passes the Host on.
  const host = request.headers.host;
  return host !== undefined && (given === `http://${host}` || given === `https://${host}`);
}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** The bound address is a loopback one (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  return host === "localhost" || host === "::1" || host === "[::1]" || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * A request's Host is one this dashboard answers: any when it listens on a
 * non-loopback address (the operator chose the names), else a loopback name
 * with the dashboard's port.
 */
export function hostAllowed(hostHeader: string | undefined, listensOnLoopback: boolean, port: number): boolean {
  if (!listensOnLoopback) return true;
  if (hostHeader === undefined) return false;
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hostHeader.toLowerCase());
  if (match === null) return false;
  const [, name, givenPort] = match;
  if (givenPort !== undefined && Number(givenPort) !== port) return false;
  return LOOPBACK_HOSTS.has(name!) || /^127(\.\d{1,3}){3}$/.test(name!);
}
