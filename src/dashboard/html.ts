/**
 * HTML built from tagged templates: every interpolated value is escaped
 * unless it is itself `Html` made by `html` (or `trustedHtml`), so a job's
 * payload, a queue name or an error message can never become markup.
 */

/** Markup that is safe to put in a page as is. */
export class Html {
  readonly #markup: string;
  constructor(markup: string) {
    this.#markup = markup;
  }
  toString(): string {
    return this.#markup;
  }
}

/** What a template may interpolate: text (escaped), markup, numbers, nothing, or lists of those. */
export type HtmlValue = Html | string | number | bigint | boolean | null | undefined | readonly HtmlValue[];

const ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Text escaped for element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character]!);
}

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return "";
  if (value instanceof Html) return value.toString();
  if (Array.isArray(value)) return value.map(render).join("");
  return escapeHtml(String(value));
}

/** `html\`<td>${name}</td>\``: the template's own text is markup, every value is escaped. */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): Html {
  let markup = strings[0]!;
  for (let index = 0; index < values.length; index++) markup += render(values[index]!) + strings[index + 1]!;
  return new Html(markup);
}

/** Markup this module's callers built themselves (the charts' SVG path data); never user data. */
export function trustedHtml(markup: string): Html {
  return new Html(markup);
}
