/**
 * Real child processes for the reliability scenarios: `node
 * --conditions=pgmq-gen-source --import tsx fixtures/<script>.ts`, so the
 * fixtures run the runtime's TypeScript sources through `pgmq-gen/runtime`.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { ChildReport, ProducerFixtureConfig, WorkerFixtureConfig } from "./workerProtocol.js";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}.ts`, import.meta.url));

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ChildHandle {
  readonly pid: number;
  readonly script: string;
  /** Every line the child reported, in order. */
  readonly reports: ChildReport[];
  /** Everything the child wrote to stderr (kept to the last 64 KiB). */
  stderr(): string;
  /** Null while it runs. */
  exitStatus(): ExitStatus | null;
  readonly exited: Promise<ExitStatus>;
  /** Resolves on the first report of `event`; rejects if the child exits first. */
  waitFor(event: ChildReport["event"], timeoutMs?: number): Promise<ChildReport>;
  kill(signal: NodeJS.Signals): void;
  /** Peak resident set size so far, in bytes (Linux `VmHWM`); null once exited. */
  peakRss(): number | null;
}

const running = new Set<ChildHandle>();

function startFixture(script: string, env: Record<string, string>): ChildHandle {
  const child = spawn(process.execPath, ["--conditions=pgmq-gen-source", "--import", "tsx", fixture(script)], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (child.pid === undefined) throw new Error(`could not start fixtures/${script}.ts`);
  const pid = child.pid;
  const reports: ChildReport[] = [];
  const waiters: Array<{ event: ChildReport["event"]; resolve: (r: ChildReport) => void }> = [];
  let stderr = "";
  let status: ExitStatus | null = null;
  let pending = "";

  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    pending += chunk;
    let newline: number;
    while ((newline = pending.indexOf("\n")) >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      let parsed: ChildReport;
      try {
        parsed = JSON.parse(line) as ChildReport;
      } catch {
        stderr = `${stderr}[stdout] ${line}\n`.slice(-65_536);
        continue;
      }
      reports.push(parsed);
      for (const waiter of waiters.filter((w) => w.event === parsed.event)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(parsed);
      }
    }
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-65_536);
  });
  const exited = new Promise<ExitStatus>((resolve) => {
    child.on("exit", (code, signal) => {
      status = { code, signal };
      running.delete(handle);
      resolve(status);
    });
  });

  const handle: ChildHandle = {
    pid,
    script,
    reports,
    stderr: () => stderr,
    exitStatus: () => status,
    exited,
    waitFor(event, timeoutMs = 30_000) {
      const seen = reports.find((r) => r.event === event);
      if (seen) return Promise.resolve(seen);
      return new Promise<ChildReport>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `fixtures/${script}.ts (pid ${pid}) did not report "${event}" within ${timeoutMs} ms\n${stderr}`,
              ),
            ),
          timeoutMs,
        );
        waiters.push({
          event,
          resolve: (r) => {
            clearTimeout(timer);
            resolve(r);
          },
        });
        void exited.then((s) => {
          clearTimeout(timer);
          reject(
            new Error(
              `fixtures/${script}.ts (pid ${pid}) exited (code ${s.code}, signal ${s.signal}) before reporting "${event}"\n${stderr}`,
            ),
          );
        });
      });
    },
    kill(signal) {
      if (status === null) child.kill(signal);
    },
    peakRss() {
      if (status !== null) return null;
      try {
        const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
        return match ? Number(match[1]) * 1024 : null;
      } catch {
        return null;
      }
    },
  };
  running.add(handle);
  return handle;
}

export function startWorker(config: WorkerFixtureConfig): ChildHandle {
  return startFixture("worker", { RELIABILITY_WORKER: JSON.stringify(config) });
}

export function startProducer(config: ProducerFixtureConfig): ChildHandle {
  return startFixture("producer", { RELIABILITY_PRODUCER: JSON.stringify(config) });
}

/** SIGKILLs every child still running (for `afterAll` after a failed test) and waits for them. */
export async function killAllChildren(): Promise<void> {
  const children = [...running];
  for (const child of children) child.kill("SIGKILL");
  await Promise.all(children.map((child) => child.exited));
}

/** Stops children with SIGTERM and waits for their exits. */
export async function stopChildren(children: readonly ChildHandle[]): Promise<ExitStatus[]> {
  for (const child of children) child.kill("SIGTERM");
  return Promise.all(children.map((child) => child.exited));
}
