// Date.parse alone accepts "1" (year 2001) and rolls 2027-02-30 over to March: an expiry must be
// an ISO 8601 date or date-time, and the calendar date must exist.
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * An ISO 8601 date (`2027-01-31`, read as 00:00 UTC that day: the stricter reading of an expiry)
 * or date-time; undefined for anything else.
 */
export function parseIsoDate(text: string): Date | undefined {
  const trimmed = text.trim();
  const [, year, month, day] = ISO_DATE.exec(trimmed) ?? [];
  if (!year || !month || !day) return undefined;
  const calendar = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (calendar.getUTCMonth() !== Number(month) - 1 || calendar.getUTCDate() !== Number(day)) return undefined;
  const ms = Date.parse(trimmed);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}
