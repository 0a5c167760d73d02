/**
 * Which failures of a statement are about the rows it carried and which are
 * about reaching the database. The two call for opposite handling: a lost
 * connection is retried as it is (every row will go through once the
 * database is back), while a data error comes back on every retry, so the
 * batch it poisoned is split until the row at fault is alone.
 */
import { DatabaseConnectionError } from "../errors.js";
import { isInstance, stringField } from "../thrownValues.js";

/** SQLSTATE classes that blame the values sent: data exception, integrity constraint violation, program limit exceeded. */
const DATA_ERROR_CLASSES = new Set(["22", "23", "54"]);

/** SQLSTATEs of a connection the server ended: admin_shutdown, crash_shutdown, cannot_connect_now. */
const ENDED_CONNECTION_CODES = new Set(["57P01", "57P02", "57P03"]);

/** Node's socket errors. */
const SOCKET_ERROR_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH"]);

/** pg's own words for a connection that is gone (it sets no code on these). */
const PG_CONNECTION_MESSAGE =
  /Connection terminated|connection error and is not queryable|Client was closed and is not queryable/i;

/**
 * The statement failed because of the values it carried: SQLSTATE class 22,
 * 23 or 54, or a `RangeError`/`TypeError` the runtime threw while building
 * its parameters. Retrying the same rows would fail the same way.
 */
export function isDataError(error: unknown): boolean {
  const code = stringField(error, "code");
  if (code !== undefined && code.length === 5) return DATA_ERROR_CLASSES.has(code.slice(0, 2));
  return code === undefined && (isInstance(error, RangeError) || isInstance(error, TypeError));
}

/**
 * The connection itself failed: SQLSTATE class 08 (connection exception),
 * 57P01/57P02/57P03 (the server ended or refuses it), a socket error, or
 * pg's "Connection terminated", or a `DatabaseConnectionError`.
 */
export function isConnectionError(error: unknown): boolean {
  // The runtime's own word for a connection that was not made (refused, turned away: not the rows' fault).
  if (isInstance(error, DatabaseConnectionError)) return true;
  const code = stringField(error, "code");
  if (code !== undefined) {
    if (code.startsWith("08") || ENDED_CONNECTION_CODES.has(code) || SOCKET_ERROR_CODES.has(code)) return true;
  }
  const message = stringField(error, "message");
  return message !== undefined && PG_CONNECTION_MESSAGE.test(message);
}
