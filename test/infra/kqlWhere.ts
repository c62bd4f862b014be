/**
 * Evaluates the `where` clause of an alert query (infra/main.json) against one log line's fields,
 * for the small KQL subset those clauses use: `f.<name> == "text"`, `toint(f.<name>) > n`,
 * `tobool(f.<name>) == true`, joined by `and` / `or`, with parentheses.
 */
export function kqlWhere(clause: string): { fields: string[]; test: (f: Record<string, unknown>) => boolean } {
  const tokens = clause.match(/"[^"]*"|\(|\)|==|>|[\w.-]+/g) ?? [];
  const fields = new Set<string>();
  let i = 0;
  const next = (): string => {
    const t = tokens[i++];
    if (t === undefined) throw new Error(`unexpected end of: ${clause}`);
    return t;
  };
  type Node = (f: Record<string, unknown>) => boolean;
  const operand = (): ((f: Record<string, unknown>) => unknown) => {
    const t = next();
    const cast = t === 'toint' || t === 'tobool' ? t : undefined;
    const name = cast ? (next(), next()) : t;
    if (cast) next(); // ')'
    if (!name.startsWith('f.')) throw new Error(`not a field: ${name}`);
    const field = name.slice(2);
    fields.add(field);
    return (f) => (cast === 'toint' ? Number(f[field]) : cast === 'tobool' ? f[field] === true || f[field] === 'true' : f[field]);
  };
  const literal = (t: string): unknown => (t.startsWith('"') ? t.slice(1, -1) : t === 'true' ? true : t === 'false' ? false : Number(t));
  const factor = (): Node => {
    if (tokens[i] === '(') {
      next();
      const inner = expr();
      next(); // ')'
      return inner;
    }
    const read = operand();
    const op = next();
    const value = literal(next());
    if (op === '==') return (f) => read(f) === value;
    if (op === '>') return (f) => Number(read(f)) > Number(value);
    throw new Error(`unsupported operator ${op}`);
  };
  /** One or more `part`s joined by `word`, left to right. */
  const joined = (word: 'and' | 'or', part: () => Node): Node => {
    const parts = [part()];
    while (tokens[i] === word) {
      next();
      parts.push(part());
    }
    return word === 'and' ? (f) => parts.every((p) => p(f)) : (f) => parts.some((p) => p(f));
  };
  const term = (): Node => joined('and', factor);
  const expr = (): Node => joined('or', term);
  const test = expr();
  if (i !== tokens.length) throw new Error(`unparsed rest of: ${clause}`);
  return { fields: [...fields], test };
}
