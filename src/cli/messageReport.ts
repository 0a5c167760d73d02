/** How `dlq` and `job` print messages: aligned tables, timestamps, JSON with bigint ids. */

/** Rows as aligned columns, two spaces apart; the last column is not padded. */
export function tableLines(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join("  ")
      .trimEnd(),
  );
}

/** ISO 8601 in UTC, to the millisecond. */
export function timestamp(date: Date | null): string {
  return date === null ? "-" : date.toISOString();
}

/** C0 controls but newline, DEL and C1 controls: what a terminal obeys (clear, move, retitle) instead of printing. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: escaping control characters is the point.
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g;

const escaped = (control: string) => `\\u${control.charCodeAt(0).toString(16).padStart(4, "0")}`;

/** `text` with its control characters written as `\u001b` escapes: data (a reason, a payload) must not drive the terminal. */
export function printable(text: string): string {
  return text.replace(CONTROL, escaped);
}

/** A reason for a table cell: its first line, cut to `max` characters, its controls escaped. */
export function reasonCell(reason: string, max = 80): string {
  const line = printable(reason.split("\n", 1)[0]!.trim());
  const cut = line.length > max ? `${line.slice(0, max - 3)}...` : line;
  return cut !== "" ? cut : "(none)";
}

/**
 * JSON text with bigints (message ids) as strings, which JSON.stringify
 * refuses. JSON.stringify escapes C0 controls; DEL and C1 controls (U+009B
 * is a CSI to many terminals) it leaves raw, so they are escaped too: the
 * same JSON value, nothing a terminal obeys.
 */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, (_, each) => (typeof each === "bigint" ? each.toString() : each), 2).replace(
    CONTROL,
    escaped,
  );
}

/** A labelled block: the label on its line, then `text` indented by two spaces, its controls escaped. */
export function block(label: string, text: string): string[] {
  return [label, ...text.split("\n").map((line) => `  ${printable(line)}`)];
}

export function plural(n: number, singular: string, many = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : many}`;
}
