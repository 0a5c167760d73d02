/** `$ref` fragments: RFC 6901 pointers, URI-encoded. Escaping itself is the runtime's (`runtime/jsonPointer.ts`). */
import { formatPointer, unescapePointerToken } from "@pgmq-gen/runtime/contract";

export { formatPointer };

/** "/definitions/my%20type" -> "/definitions/my type", in the escaped form formatPointer writes. */
export function normalizeFragment(fragment: string): string {
  if (fragment === "") return "";
  return formatPointer(
    fragment
      .slice(1)
      .split("/")
      .map((raw) => unescapePointerToken(decodeURIComponent(raw))),
  );
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
    const token = unescapePointerToken(decodeURIComponent(raw));
    if (current === null || typeof current !== "object" || !Object.hasOwn(current, token)) return undefined;
    current = (current as Record<string, unknown>)[token];
  }
  return current;
}
