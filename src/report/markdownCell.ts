// Inside a table a bare `|` ends the cell and a newline ends the row (so lines become "; ");
// `<` could open raw HTML where a renderer allows it, and `*_[]` reformat names. The backslash
// is escaped too, so text that already holds `\|` cannot cancel our escape.
const SPECIAL = /[\\|<>*_`[\]]/g;

/** Text made safe for one markdown table cell (or inline text). */
export function markdownCell(value: string): string {
  return value.replace(/(?:\r\n|\r|\n)+/g, '; ').replace(SPECIAL, (char) => `\\${char}`);
}

export function markdownTable(headers: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map(markdownCell).join(' | ')} |`;
  return [line(headers), `|${headers.map(() => ' --- ').join('|')}|`, ...rows.map(line)].join('\n');
}
