import { headline, runLine } from './describe.js';
import { markdownCell, markdownTable } from './markdownCell.js';
import { reportSections, type Section } from './sections.js';
import type { Report } from './types.js';

/** Markdown for a ticket or a chat message: banners first, the headline, then the lists to act on. */
export function renderMarkdown(report: Report): string {
  const parts: string[] = ['# App Service client-certificate report'];
  for (const warning of report.warnings) parts.push(`> **⚠ ${markdownCell(warning)}**`);
  parts.push(`${markdownCell(runLine(report))}  \nGenerated ${report.generatedAt}.`);
  parts.push(`**${markdownCell(headline(report))}**`);
  for (const section of reportSections(report)) parts.push(sectionMarkdown(section));
  return `${parts.join('\n\n')}\n`;
}

/** A section as a level-2 heading and its table, or its `empty` sentence in italics. */
export function sectionMarkdown(section: Section): string {
  const body = section.rows.length > 0 ? markdownTable(section.headers, section.rows) : `_${markdownCell(section.empty)}_`;
  return `## ${markdownCell(section.title)}\n\n${body}`;
}
