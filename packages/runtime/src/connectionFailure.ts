/**
 * Turns the error of a connection that was not made (Node's socket errors,
 * the server's SQLSTATEs of the startup) into a `DatabaseConnectionError`
 * that names the server, database and user and says what to do. Used where
 * the runtime opens connections: the pool checkout (`connectClient`),
 * dedicated connections and the worker's LISTEN connection. Errors of a
 * connection already made are not its concern.
 */
import pg from "pg";
import { DatabaseConnectionError, type DatabaseConnectionFailure, type DatabaseTarget } from "./errors.js";
import { stringField } from "./thrownValues.js";

/** Where the settings are: named in every next step, as users set them there. */
const SETTINGS = "DATABASE_URL (or the connection settings given to configure)";

/** What pg made of a client's settings (`client.connectionParameters`). */
interface ResolvedParameters {
  host?: string;
  port?: number | string;
  database?: string;
  user?: string;
}

/**
 * The server, database and user `config` connects to, resolved as pg
 * resolves them (connection string, PG* environment variables, defaults).
 * The password is never read.
 */
export function databaseTarget(config: pg.ClientConfig): DatabaseTarget {
  const { connectionString, host, port, database, user } = config;
  // A client that is never connected: pg's own resolution, without a `stream` or anything else that could connect.
  const client = new pg.Client({ connectionString, host, port, database, user });
  const parameters = (client as unknown as { connectionParameters: ResolvedParameters }).connectionParameters;
  return {
    host: parameters.host ?? "localhost",
    port: Number(parameters.port ?? 5432),
    database: parameters.database ?? "",
    user: parameters.user ?? "",
  };
}

/** What failed and the next step, for the failures a person can act on; null for anything else. */
function classify(
  target: DatabaseTarget,
  cause: unknown,
): { reason: DatabaseConnectionFailure; detail: string } | null {
  const code = stringField(cause, "code");
  const message = stringField(cause, "message") ?? "";
  const createdb = `createdb -h ${target.host} -p ${target.port} -U ${target.user} ${target.database}`;
  switch (code) {
    case "ECONNREFUSED":
      return {
        reason: "refused",
        detail: `connection refused (nothing listens there). Start the server, or set ${SETTINGS} to one that runs.`,
      };
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return {
        reason: "hostNotFound",
        detail: `the host name "${target.host}" was not found (DNS lookup failed, ${code}). Check the host in ${SETTINGS}.`,
      };
    case "EHOSTUNREACH":
    case "ENETUNREACH":
    case "ETIMEDOUT":
      return {
        reason: "unreachable",
        detail:
          `the host cannot be reached (${code}). Check the host and port in ${SETTINGS}, and the network between ` +
          "(firewall, VPN, security group).",
      };
    case "28P01":
      return {
        reason: "authentication",
        detail: `${message}. Check the password in ${SETTINGS}, or PGPASSWORD / ~/.pgpass.`,
      };
    case "28000":
      if (/role .* does not exist/.test(message)) {
        return {
          reason: "roleMissing",
          detail:
            `${message}. Create it on the server (createuser -h ${target.host} -p ${target.port} ${target.user}), ` +
            `or set the user in ${SETTINGS} to an existing role.`,
        };
      }
      if (/pg_hba\.conf/.test(message)) {
        return {
          reason: "notAllowed",
          detail:
            `the server does not allow this connection (${message}). Add a matching line to the server's ` +
            `pg_hba.conf and reload it, or connect with a user, database or SSL setting it allows (${SETTINGS}).`,
        };
      }
      return {
        reason: "authentication",
        detail: `${message}. Check the user and password in ${SETTINGS}.`,
      };
    case "3D000":
      return {
        reason: "databaseMissing",
        detail: `the database does not exist. Create it (\`${createdb}\`), or set the database in ${SETTINGS}.`,
      };
    case "55000":
      // ALTER DATABASE ... ALLOW_CONNECTIONS false (maintenance), or a database being created from a template.
      if (/is not currently accepting connections/.test(message)) {
        return {
          reason: "notReady",
          detail: `${message} (its ALLOW_CONNECTIONS is off, for maintenance or a migration). Retry once it accepts them.`,
        };
      }
      return null;
    case "57P03":
      return {
        reason: "notReady",
        detail: `${message} (the server is starting up, shutting down or in recovery). Retry once it is up.`,
      };
  }
  // pg's own SCRAM check: the server asked for a password and the settings hold none.
  if (code === undefined && /^SASL: .*password must be a string/.test(message)) {
    return {
      reason: "authentication",
      detail: `the server asks for a password and none was given. Put it in ${SETTINGS}, or in PGPASSWORD / ~/.pgpass.`,
    };
  }
  return null;
}

/**
 * `cause`, an error of connecting with `config`, as a `DatabaseConnectionError`
 * when it is one a person can act on (see `DatabaseConnectionFailure`);
 * anything else is returned as it is. `context`, a sentence, ends the message.
 */
export function connectionFailure(config: pg.ClientConfig, cause: unknown, context?: string): unknown {
  if (cause instanceof DatabaseConnectionError) return cause;
  let target: DatabaseTarget;
  try {
    target = databaseTarget(config);
  } catch {
    return cause;
  }
  const failure = classify(target, cause);
  return failure === null
    ? cause
    : new DatabaseConnectionError(
        target,
        failure.reason,
        context === undefined ? failure.detail : `${failure.detail} ${context}`,
        {
          cause,
        },
      );
}
