import DOMPurify from 'dompurify';
import { marked } from 'marked';
import { Fragment, useMemo, type ReactNode } from 'react';
import { Link } from 'react-router-dom';

/** A citation of an answer: `[n]` points at a story, or at one the reader may no longer open. */
export interface AnswerCitation {
  n: number;
  /** The story, or null when it can no longer be opened. */
  storyId: string | null;
  title: string | null;
}

/**
 * The only elements an answer may produce: text formatting and lists.
 * No `a`, no `img`, no attributes at all — an answer is built from story
 * text, which is untrusted, and a link or image URL could carry what the
 * reader may see to someone else. The only links are the ones made here
 * from the server-checked citations.
 */
const ANSWER_TAGS = ['p', 'br', 'strong', 'em', 'ul', 'ol', 'li', 'blockquote', 'code', 'pre', 'h1', 'h2', 'h3'];

const SANITIZE_OPTIONS = {
  ALLOWED_TAGS: ANSWER_TAGS,
  ALLOWED_ATTR: [] as string[],
  ALLOW_DATA_ATTR: false,
  RETURN_DOM_FRAGMENT: true as const,
};

/**
 * Square brackets are escaped before parsing, so no Markdown link, image
 * or reference definition can form (`[x](url)`, `![x](url)`, `[1]: url`):
 * they stay plain text and `[n]` stays visible for the citation links.
 */
function escapeLinkSyntax(markdown: string): string {
  return markdown.replace(/\\/g, '\\\\').replace(/\[/g, '\\[').replace(/\]/g, '\\]');
}

const CITATION = /\[(\d{1,3})\]/g;

function withCitations(text: string, citations: Map<number, AnswerCitation>, key: string): ReactNode[] {
  const out: ReactNode[] = [];
  let last = 0;
  for (const match of text.matchAll(CITATION)) {
    const citation = citations.get(Number(match[1]));
    if (!citation) continue;
    const at = match.index ?? 0;
    if (at > last) out.push(text.slice(last, at));
    out.push(
      citation.storyId ? (
        <Link
          key={`${key}-${at}`}
          className="citation"
          to={`/stories/${citation.storyId}`}
          aria-label={`Source ${citation.n}: ${citation.title ?? 'story'}`}
        >
          [{citation.n}]
        </Link>
      ) : (
        <span key={`${key}-${at}`} className="citation citation-unavailable" title="This story is no longer available to you">
          [{citation.n}]<span className="visually-hidden"> (story no longer available)</span>
        </span>
      ),
    );
    last = at + match[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/** Headings inside an answer would break the page's outline: they become bold paragraphs. */
const HEADINGS = new Set(['h1', 'h2', 'h3']);

function toReact(node: Node, citations: Map<number, AnswerCitation>, key: string): ReactNode {
  if (node.nodeType === Node.TEXT_NODE) return withCitations(node.textContent ?? '', citations, key);
  if (node.nodeType !== Node.ELEMENT_NODE && node.nodeType !== Node.DOCUMENT_FRAGMENT_NODE) return null;
  const children = Array.from(node.childNodes).map((child, i) => (
    <Fragment key={i}>{toReact(child, citations, `${key}.${i}`)}</Fragment>
  ));
  if (node.nodeType === Node.DOCUMENT_FRAGMENT_NODE) return children;
  const tag = (node as Element).tagName.toLowerCase();
  if (HEADINGS.has(tag)) {
    return (
      <p>
        <strong>{children}</strong>
      </p>
    );
  }
  // Only allowed elements are rebuilt, and without any attribute; anything
  // else (should the sanitizer ever let it through) keeps only its text.
  if (!ANSWER_TAGS.includes(tag)) return children;
  const Tag = tag as 'p';
  return tag === 'br' ? <br /> : <Tag>{children}</Tag>;
}

/**
 * Renders an answer's Markdown as React elements (never `innerHTML`):
 * formatting and lists only, no images, no links except `[n]` citations
 * the server checked, which link to their stories.
 */
export function renderAnswer(markdown: string, citations: AnswerCitation[]): ReactNode {
  const html = marked.parse(escapeLinkSyntax(markdown), { async: false, gfm: true, breaks: true });
  const fragment = DOMPurify.sanitize(html, SANITIZE_OPTIONS);
  const byNumber = new Map(citations.map((c) => [c.n, c]));
  return toReact(fragment, byNumber, 'a');
}

/** An answer of the companion, rendered by `renderAnswer`. */
export function AnswerMarkdown({ source, citations }: { source: string; citations: AnswerCitation[] }) {
  const content = useMemo(() => renderAnswer(source, citations), [source, citations]);
  return <div className="markdown answer-text">{content}</div>;
}
