/** RFC 6901 JSON pointers, as used in `$ref` fragments and in error locations. */

function escapeToken(token: string): string {
  return token.replace(/~/g, "~0").replace(/\//g, "~1");
}

function unescapeToken(token: string): string {
  return token.replace(/~1/g, "/").replace(/~0/g, "~");
}

/** ["properties", "a/b"] -> "/properties/a~1b" */
export function formatPointer(tokens: readonly (string | number)[]): string {
  return tokens.map((token) => `/${escapeToken(String(token))}`).join("");
}

/**
 * The value a `$ref` fragment points at (`/definitions/address`, URI-encoded
 * as in `#/definitions/my%20type`), or undefined when there is none.
 */
export function resolvePointer(document: unknown, fragment: string): unknown {
  if (fragment === "" || fragment === "/") return fragment === "" ? document : undefined;
  if (!fragment.startsWith("/")) return undefined;
  let current: unknown = document;
  for (const raw of fragment.slice(1).split("/")) {
    const token = unescapeToken(decodeURIComponent(raw));
    if (current === null || typeof current !== "object" || !Object.hasOwn(current, token)) return undefined;
    current = (current as Record<string, unknown>)[token];
  }
  return current;
}
