/**
 * The generated code's templates, in templates/: `<module>.ts.template` is a
 * module as a reader finds it in outDir (its imports, declarations, order and
 * doc comments), with the values an emitter computes left as placeholders.
 * The syntax, all of it:
 * - `{{name}}` is replaced by the string `name`; a value's later lines take the indentation of its line.
 * - `{{#name}}` and `{{/name}}`, each alone on its line, enclose lines kept if `name` is true, dropped if false,
 *   or repeated for each item of a list of value tables (those lines then see the item's values only).
 * - A line holding only `{{! note }}` is a note for the template's reader and is dropped.
 * - A placeholder with no value, or a value with no placeholder, throws (in dropped lines too): an emitter bug.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export type TemplateValue = string | boolean | readonly TemplateValues[];
export type TemplateValues = Readonly<Record<string, TemplateValue>>;

// src/emit/ and dist/emit/ are both two levels below the package root, next to templates/.
const TEMPLATES_DIR = fileURLToPath(new URL("../../templates/", import.meta.url));

/** A template line, or a section: the lines between `{{#name}}` and `{{/name}}`. */
type TemplateNode = string | { readonly name: string; readonly body: readonly TemplateNode[] };

const SECTION_MARK = /^[ \t]*\{\{([#/])(\w+)\}\}[ \t]*$/;
const NOTE = /^[ \t]*\{\{!.*\}\}[ \t]*$/;
const PLACEHOLDER = /\{\{(\w+)\}\}/g;
/** `{{` that does not open a plain placeholder: a section mark or note sharing its line, or a typo. */
const STRAY_BRACES = /\{\{(?!\w+\}\})/;

const cache = new Map<string, readonly TemplateNode[]>();

function parse(name: string, text: string): TemplateNode[] {
  const root: TemplateNode[] = [];
  const open: { name: string; body: TemplateNode[] }[] = [];
  text.split("\n").forEach((line, index) => {
    const where = `template ${name}, line ${index + 1}`;
    if (NOTE.test(line)) return;
    const body = open[open.length - 1]?.body ?? root;
    const mark = SECTION_MARK.exec(line);
    if (mark === null) {
      if (STRAY_BRACES.test(line)) {
        throw new Error(`${where}: a value is {{name}}; {{#name}}, {{/name}} and {{! note }} stand alone on a line`);
      }
      body.push(line);
    } else if (mark[1] === "#") {
      const section = { name: mark[2]!, body: [] };
      body.push(section);
      open.push(section);
    } else {
      const closed = open.pop();
      if (closed?.name !== mark[2]) {
        throw new Error(`${where}: {{/${mark[2]}}} closes ${closed === undefined ? "nothing" : `{{#${closed.name}}}`}`);
      }
    }
  });
  const unclosed = open.pop();
  if (unclosed !== undefined) throw new Error(`template ${name}: {{#${unclosed.name}}} is never closed`);
  return root;
}

function template(name: string, dir: string): readonly TemplateNode[] {
  const file = path.join(dir, name);
  let nodes = cache.get(file);
  if (nodes === undefined) {
    nodes = parse(name, readFileSync(file, "utf8").replace(/\r\n/g, "\n").trimEnd());
    cache.set(file, nodes);
  }
  return nodes;
}

/**
 * The template `name` filled with `values`, without its final newline. `dir`
 * is where the templates are: the package's templates/ but in tests.
 */
export function fillTemplate(name: string, values: TemplateValues, dir: string = TEMPLATES_DIR): string {
  const out: string[] = [];
  // The keys each value table (`values`, and each item of a list) had used, checked once every line is filled.
  const used = new Map<TemplateValues, Set<string>>();
  const lookUp = (table: TemplateValues, key: string): TemplateValue => {
    const value = table[key];
    if (value === undefined) throw new Error(`template ${name} needs a value for {{${key}}}`);
    used.get(table)!.add(key);
    return value;
  };
  // Lines of a dropped section are filled too (`kept` false), so their values are checked all the same.
  const fill = (nodes: readonly TemplateNode[], table: TemplateValues, kept: boolean): void => {
    if (!used.has(table)) used.set(table, new Set());
    for (const node of nodes) {
      if (typeof node === "string") {
        const indent = /^[ \t]*/.exec(node)![0];
        const line = node.replace(PLACEHOLDER, (_match, key: string) => {
          const value = lookUp(table, key);
          if (typeof value !== "string") throw new Error(`template ${name}: {{${key}}} takes a string`);
          return indent === "" ? value : value.replace(/\n(?=[^\n])/g, `\n${indent}`);
        });
        if (kept) out.push(line);
        continue;
      }
      const value = lookUp(table, node.name);
      if (typeof value === "string") throw new Error(`template ${name}: {{#${node.name}}} takes true, false or a list`);
      if (typeof value === "boolean") fill(node.body, table, kept && value);
      else for (const item of value) fill(node.body, item, kept);
    }
  };
  fill(template(name, dir), values, true);
  for (const [table, keys] of used) {
    const unused = Object.keys(table).filter((key) => !keys.has(key));
    if (unused.length > 0) throw new Error(`template ${name} has no placeholder for ${unused.join(", ")}`);
  }
  return out.join("\n");
}
