// A spreadsheet runs a cell that starts with one of these as a formula (CSV injection): a site
// name or a caller is attacker-chosen text, so such cells get a leading apostrophe.
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One RFC 4180 field: defused against formulas, quoted with doubled quotes when needed. */
export function csvCell(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
