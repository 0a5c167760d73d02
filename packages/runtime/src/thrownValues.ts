/**
 * Safe looks at a thrown value. A handler, a listener or pg may throw
 * anything: a Proxy whose every trap throws, an object whose getters throw.
 * Code that classifies or reports such a value must never throw itself, so
 * every read of it goes through here.
 */

/** `instanceof` that cannot throw (a thrown Proxy may trap `getPrototypeOf`). */
export function isInstance(value: unknown, type: abstract new (...args: never[]) => unknown): boolean {
  try {
    return value instanceof type;
  } catch {
    return false;
  }
}

/** `value[field]` when it is a string; undefined when it is not, or reading it throws. */
export function stringField(value: unknown, field: "code" | "message" | "name"): string | undefined {
  try {
    const read = (value as Record<string, unknown> | null)?.[field];
    return typeof read === "string" ? read : undefined;
  } catch {
    return undefined;
  }
}
