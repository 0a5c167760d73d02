/** One file `emit` produces: a path relative to `outDir` and its full text. */
export interface GeneratedFile {
  readonly path: string;
  readonly contents: string;
}
