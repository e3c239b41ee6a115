import { marked } from 'marked';
import DOMPurify from 'dompurify';

/**
 * The only HTML a story may produce (the product brief's allow-list).
 * Everything else — scripts, styles, iframes, event handlers, `javascript:`
 * URLs, data attributes — is removed before it reaches the page.
 */
const SANITIZE_OPTIONS = {
  ALLOWED_TAGS: ['p', 'br', 'strong', 'em', 'a', 'ul', 'ol', 'li', 'h1', 'h2', 'h3', 'img'],
  ALLOWED_ATTR: ['href', 'src', 'alt', 'title'],
  ALLOW_DATA_ATTR: false,
};

/** Turns story Markdown into HTML that is safe to insert into the page. */
export function renderMarkdown(markdown: string): string {
  const html = marked.parse(markdown, { async: false, gfm: true, breaks: true });
  return DOMPurify.sanitize(html, SANITIZE_OPTIONS);
}
