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

/** A reason for a table cell: its first line, cut to `max` characters. */
export function reasonCell(reason: string, max = 80): string {
  const line = reason.split("\n", 1)[0]!.trim();
  const cut = line.length > max ? `${line.slice(0, max - 3)}...` : line;
  return cut !== "" ? cut : "(none)";
}

/** JSON text with bigints (message ids) as strings, which JSON.stringify refuses. */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, (_, each) => (typeof each === "bigint" ? each.toString() : each), 2);
}

/** A labelled block: the label on its line, then `text` indented by two spaces. */
export function block(label: string, text: string): string[] {
  return [label, ...text.split("\n").map((line) => `  ${line}`)];
}

export function plural(n: number, singular: string, many = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : many}`;
}
