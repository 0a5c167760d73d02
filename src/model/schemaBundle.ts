/**
 * Bundles a queue's schema and the files it refers to into one self-contained
 * document (every `$ref` internal), with json-schema-ref-parser. The files
 * were already read and their `$ref`s checked (schemaRefs.ts); the parser is
 * served those texts, so nothing is read twice.
 */
import { $RefParser } from "@apidevtools/json-schema-ref-parser";
import { fileURLToPath } from "node:url";
import path from "node:path";
import type { SchemaFile } from "./schemaFiles.js";

/** ref-parser names local files by path or by file URL depending on platform and version. */
function filePath(url: string): string {
  return url.startsWith("file:") ? fileURLToPath(url) : path.resolve(decodeURIComponent(url));
}

export async function bundleSchema(root: SchemaFile, files: readonly SchemaFile[]): Promise<Record<string, unknown>> {
  const texts = new Map(files.map((file) => [file.path, file.text]));
  const parser = new $RefParser();
  const bundled = await parser.bundle(root.path, structuredClone(root.document) as object, {
    resolve: {
      external: true,
      file: false,
      http: false,
      readSchemaFiles: {
        order: 1,
        canRead: true,
        read: (file: { url: string }) => {
          const text = texts.get(filePath(file.url));
          // Unreachable after followSchemaRefs; kept so a gap fails loudly instead of reading from disk.
          if (text === undefined) throw new Error(`schema file ${file.url} was not read before bundling`);
          return text;
        },
      },
    },
  });
  return bundled as Record<string, unknown>;
}
