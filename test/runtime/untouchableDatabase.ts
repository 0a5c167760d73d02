/**
 * A `Queryable` that fails every query and counts them: for tests that show
 * an argument is refused before anything reaches the database.
 */
import type pg from "pg";
import type { Queryable } from "../../packages/runtime/src/sql/statement.js";

export function untouchableDatabase(): { db: Queryable; queries: () => number } {
  let queries = 0;
  const db = {
    query: () => {
      queries += 1;
      return Promise.reject(new Error("queried"));
    },
  } as unknown as pg.ClientBase;
  return { db, queries: () => queries };
}
