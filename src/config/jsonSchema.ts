/**
 * A JSON Schema object as written by users (draft-07 or 2020-12). Kept loose on
 * purpose: the compiler validates schemas against their meta-schema, so the
 * type only needs to let editors accept any schema object.
 */
export interface JSONSchema {
  $schema?: string;
  $id?: string;
  $ref?: string;
  title?: string;
  description?: string;
  type?: string | string[];
  [keyword: string]: unknown;
}
