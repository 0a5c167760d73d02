/** The draft a schema document is written in, from its root `$schema`. */
import type { SchemaDraft } from "./types.js";

const DRAFT_URIS: ReadonlyMap<string, SchemaDraft> = new Map([
  ["json-schema.org/draft-04/schema", "draft-04"],
  ["json-schema.org/draft-06/schema", "draft-06"],
  ["json-schema.org/draft-07/schema", "draft-07"],
  ["json-schema.org/draft/2019-09/schema", "2019-09"],
  ["json-schema.org/draft/2020-12/schema", "2020-12"],
]);

/** The draft a `$schema` value names (http or https, with or without the empty fragment), or undefined. */
export function draftOf(uri: unknown): SchemaDraft | undefined {
  if (typeof uri !== "string") return undefined;
  return DRAFT_URIS.get(uri.replace(/^https?:\/\//, "").replace(/#$/, ""));
}

/** Drafts 04 to 07 ignore the siblings of a `$ref`; 2019-09 and later apply them. */
export function refIgnoresSiblings(draft: SchemaDraft): boolean {
  return draft === "draft-04" || draft === "draft-06" || draft === "draft-07";
}
