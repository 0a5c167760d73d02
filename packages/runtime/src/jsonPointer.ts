/**
 * RFC 6901 JSON pointers, written once for the runtime (validation issues,
 * storable-JSON issues) and the compiler (`$ref` fragments, error locations).
 */

/** `~` → `~0`, `/` → `~1`. */
export function escapePointerToken(token: string): string {
  return token.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** `~1` → `/`, `~0` → `~` (in that order, so `~01` stays `~1`). */
export function unescapePointerToken(token: string): string {
  return token.replace(/~1/g, "/").replace(/~0/g, "~");
}

/** ["properties", "a/b"] -> "/properties/a~1b" */
export function formatPointer(tokens: readonly (string | number)[]): string {
  return tokens.map((token) => `/${escapePointerToken(String(token))}`).join("");
}
