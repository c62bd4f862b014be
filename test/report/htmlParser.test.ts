import { parse, type DefaultTreeAdapterMap } from 'parse5';
import { describe, expect, it } from 'vitest';
import { buildReport, renderHtml } from '../../src/report/index.js';
import { fleet, NOW } from './fleet.js';

type Node = DefaultTreeAdapterMap['node'];
type Element = DefaultTreeAdapterMap['element'];

function* walk(node: Node): Generator<Node> {
  yield node;
  for (const child of (node as { childNodes?: Node[] }).childNodes ?? []) yield* walk(child);
  const content = (node as { content?: Node }).content;
  if (content) yield* walk(content);
}

const isElement = (n: Node): n is Element => 'tagName' in n;
const text = (n: Node): string => [...walk(n)].map((x) => ('value' in x && x.nodeName === '#text' ? String(x.value) : '')).join('');

describe('the HTML report, read by a real HTML parser (parse5)', () => {
  it('parses without errors and shows one row per app needing attention', () => {
    const report = buildReport({ findings: fleet() }, NOW);
    const errors: string[] = [];

    const doc = parse(renderHtml(report), { onParseError: (e) => void errors.push(e.code) });

    expect(errors).toEqual([]);
    const elements = [...walk(doc)].filter(isElement);
    expect(elements.some((e) => e.tagName === 'svg')).toBe(true);
    expect(elements.filter((e) => e.tagName === 'script')).toHaveLength(0);
    const bodyText = text(doc);
    for (const app of report.attention) expect(bodyText).toContain(app.slot ? `${app.site}` : app.site);
    const offFile = elements.flatMap((e) => e.attrs.filter((a) => (a.name === 'src' || a.name === 'href') && /^https?:|^\/\//.test(a.value)));
    expect(offFile).toEqual([]);
  });
});
