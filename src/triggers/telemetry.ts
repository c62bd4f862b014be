/**
 * Structured fields ride at the end of the log line as JSON after this marker. The Functions
 * Node.js worker formats `context.log(...)` arguments into one message string (util.format), so
 * an object argument never becomes Application Insights customDimensions; the alert rules in
 * infra/main.json parse this suffix instead (`extract(@" mtls=(\{.*\})$", 1, message)`).
 */
export const FIELDS_MARKER = ' mtls=';

/** The message, then its fields as one JSON object (parseable by the alert queries). */
export function logLine(message: string, fields?: Record<string, unknown>): string {
  return fields && Object.keys(fields).length > 0 ? `${message}${FIELDS_MARKER}${JSON.stringify(fields)}` : message;
}

/** Reads the fields back from a line, as the alert queries do (tests and tools). */
export function fieldsOf(line: string): Record<string, unknown> | undefined {
  const match = /\smtls=(\{.*\})$/.exec(line);
  if (!match) return undefined;
  try {
    return JSON.parse(match[1] as string) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
