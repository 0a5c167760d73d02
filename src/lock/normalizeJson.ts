/**
 * The lock file's normal form of a JSON value: every object's keys in
 * code-unit order, at every depth; arrays keep their order (in a schema it
 * means something: `enum`, `required`, `prefixItems`). Two schema files that
 * differ only in key order give the same bytes, on every machine.
 */

/** `value` with its objects' keys sorted, recursively; a new value, `value` is not changed. */
export function normalizeJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalizeJson);
  if (value === null || typeof value !== "object") return value;
  // Code-unit order, not localeCompare: the same everywhere. (JavaScript still lists integer-like keys
  // first, in numeric order, whatever the order they are added in: deterministic as well.)
  const keys = Object.keys(value).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  // fromEntries defines each key as an own property, so a "__proto__" key stays a key.
  return Object.fromEntries(keys.map((key) => [key, normalizeJson((value as Record<string, unknown>)[key])]));
}
