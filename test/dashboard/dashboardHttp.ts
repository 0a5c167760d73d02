/**
 * Plain HTTP against an in-process dashboard, for the HTTP tests: fetch
 * where it serves, and node:http or a raw socket where fetch will not go (a
 * Host header of our choosing, a malformed request line, a slow client).
 */
import { request } from "node:http";
import { connect } from "node:net";
import type { Logger } from "../../packages/runtime/src/logging/logger.js";

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

/** `fetch` without following redirects, its body read. */
export async function fetchPage(origin: string, path: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(`${origin}${path}`, { redirect: "manual", ...init });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** A urlencoded POST. */
export function postForm(
  origin: string,
  path: string,
  fields: [string, string][] | string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const body = typeof fields === "string" ? fields : new URLSearchParams(fields).toString();
  return fetchPage(origin, path, {
    method: "POST",
    body,
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
  });
}

export interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
}

/** A request through node:http, which sends any Host header it is given. */
export function httpRequest(
  port: number,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { host: "127.0.0.1", port, method: options.method ?? "GET", path: options.path, headers: options.headers ?? {} },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            text: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        response.on("error", reject);
      },
    );
    outgoing.on("error", reject);
    outgoing.end(options.body);
  });
}

/** Writes `text` on a fresh socket and reads until the server closes it (or `timeoutMs`). */
export function rawExchange(port: number, text: string, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let received = "";
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(received);
    }, timeoutMs);
    socket.on("data", (chunk) => {
      received += chunk.toString("latin1");
    });
    socket.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(received);
    });
    socket.write(text);
  });
}

export interface LogLine {
  readonly level: "debug" | "info" | "warn" | "error";
  readonly fields: unknown;
  readonly message: string;
}

/** A logger that keeps its lines. */
export function collectingLogger(): Logger & { readonly lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at =
    (level: LogLine["level"]) =>
    (fields: unknown, message?: string): void => {
      lines.push({ level, fields, message: message ?? "" });
    };
  return { lines, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") } as Logger & {
    readonly lines: LogLine[];
  };
}

/** The `<td class="number">` texts of the overview's row for `queue`, in column order. */
export function overviewFigures(page: string, queue: string): string[] {
  const row = new RegExp(`<tr><th scope="row"><a href="/queues/${queue}">${queue}</a></th>(.*?)</tr>`, "s").exec(page);
  if (row === null) throw new Error(`no overview row for ${queue}`);
  return [...row[1]!.matchAll(/<td class="number">(?:<abbr[^>]*>)?([^<]*)/g)].map((match) => match[1]!);
}
