import { useMemo } from 'react';
import { renderMarkdown } from '../markdown/renderMarkdown';

interface MarkdownProps {
  source: string;
  className?: string;
}

/** Story Markdown, rendered and sanitized. */
export function Markdown({ source, className }: MarkdownProps) {
  const html = useMemo(() => renderMarkdown(source), [source]);
  return <div className={['markdown', className].filter(Boolean).join(' ')} dangerouslySetInnerHTML={{ __html: html }} />;
}
