/**
 * Markdown files can carry the Mermaid source between two markers; `npm run visualize` rewrites
 * what is between them and the freshness test checks it, so a README cannot show an old diagram.
 */
export const MERMAID_START = '<!-- mermaid: visualizations/authSession.mmd (written by npm run visualize) -->';
export const MERMAID_END = '<!-- /mermaid -->';

/** `markdown` with the Mermaid block between the markers replaced, or null when it has no markers. */
export function embedMermaid(markdown: string, mermaid: string): string | null {
  const start = markdown.indexOf(MERMAID_START);
  const end = markdown.indexOf(MERMAID_END, start);
  if (start === -1 || end === -1) return null;
  const block = `\n\n\`\`\`mermaid\n${mermaid.endsWith('\n') ? mermaid : `${mermaid}\n`}\`\`\`\n\n`;
  return markdown.slice(0, start + MERMAID_START.length) + block + markdown.slice(end);
}
