/**
 * `pgmq-gen dashboard`: serves the web dashboard (src/dashboard/) for the
 * queues of the config until SIGINT/SIGTERM. Read-only unless
 * `--allow-actions`; then actions need the token printed here (or given in
 * PGMQ_GEN_DASHBOARD_TOKEN, which is never printed).
 */
import pg from "pg";
import { createStderrLogger } from "@pgmq-gen/runtime";
import { isLoopbackHost, newToken, TOKEN_ENVIRONMENT_VARIABLE, tokenProblem } from "../dashboard/actionAccess.js";
import { DashboardQueues } from "../dashboard/dashboardQueues.js";
import { type Dashboard, startDashboard } from "../dashboard/server.js";
import { commandConnection, loadCommandConfigOrReport, noDatabase } from "./commandDatabase.js";
import { ExitCode, type Terminal } from "./terminal.js";

export interface DashboardCommandOptions {
  cwd: string;
  configPath?: string;
  /** Server to read. (Default: none; main passes `$DATABASE_URL`) */
  databaseUrl?: string;
  host: string;
  /** 0: any free port. */
  port: number;
  allowActions: boolean;
  /** `process.env[TOKEN_ENVIRONMENT_VARIABLE]`, when set. */
  environmentToken?: string;
  countCap?: number;
  /** Seconds between a page's live refreshes. */
  refreshSeconds?: number;
}

/** Connections the dashboard may hold: a page's reads run one after another; a few pages at once share these. */
const POOL_SIZE = 4;

/** Resolves at the first SIGINT or SIGTERM, and then listens no more. */
function signalled(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.removeListener("SIGINT", on);
      process.removeListener("SIGTERM", on);
      resolve(signal);
    };
    process.on("SIGINT", on);
    process.on("SIGTERM", on);
  });
}

export async function runDashboardCommand(options: DashboardCommandOptions, terminal: Terminal): Promise<ExitCode> {
  let token: string | null = null;
  if (options.allowActions) {
    const given = options.environmentToken;
    if (given !== undefined && given !== "") {
      const problem = tokenProblem(given);
      if (problem !== null) {
        terminal.err(`error: ${problem}`);
        return ExitCode.usage;
      }
      token = given;
    } else token = newToken();
  }
  const config = await loadCommandConfigOrReport(options, terminal);
  if (config === null) return ExitCode.failed;
  if (options.databaseUrl === undefined || options.databaseUrl === "") return noDatabase(terminal, "show");

  const logger = createStderrLogger({ write: (text) => terminal.err(text.replace(/\n$/, "")) });
  const pool = new pg.Pool({ ...commandConnection(options.databaseUrl), max: POOL_SIZE });
  pool.on("error", (error) =>
    logger.warn({ err: error }, `dashboard: an idle database connection failed: ${error.message}`),
  );
  let dashboard: Dashboard;
  try {
    dashboard = await startDashboard({
      queues: DashboardQueues.fromConfig(config),
      db: pool,
      logger,
      host: options.host,
      port: options.port,
      actions: token !== null ? { token } : null,
      ...(options.countCap !== undefined ? { countCap: options.countCap } : {}),
      ...(options.refreshSeconds !== undefined ? { refreshSeconds: options.refreshSeconds } : {}),
    });
  } catch (error) {
    await pool.end();
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "EADDRINUSE"
        ? `port ${options.port} on ${options.host} is in use; pass --port <n> (0: any free port)`
        : code === "EADDRNOTAVAIL"
          ? `${options.host} is not an address of this machine`
          : error instanceof Error
            ? error.message
            : String(error);
    terminal.err(`error: dashboard could not listen: ${reason}`);
    return ExitCode.failed;
  }

  const stop = signalled();
  terminal.out(
    `pgmq-gen dashboard: ${dashboard.origin}/ (${token === null ? "read-only" : "actions allowed"}; Ctrl-C to stop)`,
  );
  if (token !== null) {
    if (options.environmentToken !== undefined && options.environmentToken !== "")
      terminal.out(
        `actions need the token in ${TOKEN_ENVIRONMENT_VARIABLE}: open ${dashboard.origin}/unlock and paste it`,
      );
    else
      terminal.out(`actions need this token; open this link to unlock them: ${dashboard.origin}/unlock?token=${token}`);
  }
  if (!isLoopbackHost(options.host))
    terminal.err(
      `warning: listening on ${options.host}: anyone who can reach this address can read every queue's payloads; put it behind a proxy with authentication`,
    );

  const signal = await stop;
  terminal.err(`pgmq-gen dashboard: ${signal}, stopping`);
  await dashboard.close();
  await pool.end();
  return ExitCode.ok;
}
