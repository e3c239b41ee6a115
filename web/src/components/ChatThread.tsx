import { Link } from 'react-router-dom';
import type { ChatMessage } from '../api/types';
import { AnswerMarkdown, type AnswerCitation } from '../markdown/AnswerMarkdown';

/** A stored message's citations as the answer renderer takes them. */
export function storedCitations(message: ChatMessage): AnswerCitation[] {
  return message.citations.map((c) => ({
    n: c.n,
    storyId: c.available && c.story_id ? c.story_id : null,
    title: c.available ? (c.title ?? null) : null,
  }));
}

/** The stories an answer used, numbered as in its text. */
export function Sources({ citations }: { citations: AnswerCitation[] }) {
  if (citations.length === 0) return null;
  const sorted = [...citations].sort((a, b) => a.n - b.n);
  return (
    <div className="chat-sources">
      <p className="chat-sources-title">Stories used</p>
      <ol>
        {sorted.map((c) => (
          <li key={c.n} value={c.n}>
            {c.storyId ? (
              <Link to={`/stories/${c.storyId}`}>{c.title ?? 'Story'}</Link>
            ) : (
              <span className="meta">A story that is no longer available to you</span>
            )}
          </li>
        ))}
      </ol>
    </div>
  );
}

/** A question as the person typed it (plain text, never Markdown). */
export function QuestionBubble({ text }: { text: string }) {
  return (
    <li className="chat-question">
      <p className="chat-who">You asked</p>
      <p className="chat-question-text">{text}</p>
    </li>
  );
}

/** An answer: restricted Markdown with citation links, then its sources. */
export function AnswerBubble({ text, citations, children }: { text: string; citations: AnswerCitation[]; children?: React.ReactNode }) {
  return (
    <li className="chat-answer">
      <p className="chat-who">The companion answered</p>
      <AnswerMarkdown source={text} citations={citations} />
      {children}
      <Sources citations={citations} />
    </li>
  );
}
