import type { Snippet } from '../api/types';

/**
 * A search snippet with its matches marked. The server sends plain text and
 * the matched ranges in characters (code points); the marks are React
 * elements, so nothing in a story's text is ever read as HTML.
 */
export function SnippetText({ snippet }: { snippet: Snippet }) {
  const chars = Array.from(snippet.text);
  const parts: React.ReactNode[] = [];
  let at = 0;
  for (const { start, end } of snippet.highlights) {
    const from = Math.max(start, at);
    const to = Math.min(end, chars.length);
    if (from >= to) continue;
    if (from > at) parts.push(chars.slice(at, from).join(''));
    parts.push(<mark key={from}>{chars.slice(from, to).join('')}</mark>);
    at = to;
  }
  if (at < chars.length) parts.push(chars.slice(at).join(''));
  return <p className="snippet">{parts}</p>;
}
