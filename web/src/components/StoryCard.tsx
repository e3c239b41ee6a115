import { Link } from 'react-router-dom';
import type { Story } from '../api/types';
import { formatDateTime } from '../format';
import { Markdown } from './Markdown';
import { VisibilityBadge } from './VisibilityBadge';

interface StoryCardProps {
  story: Pick<Story, 'id' | 'title' | 'content' | 'visibility' | 'created_at' | 'author_name'> & Partial<Story>;
  /** The reader wrote it: the author is marked "(you)". */
  isMine?: boolean;
}

/** One story in a list: title, who can read it, author, date and the start of its text. */
export function StoryCard({ story, isMine = false }: StoryCardProps) {
  return (
    <article className="card story-card" aria-labelledby={`story-${story.id}-title`}>
      <header className="story-card-header">
        <h3 id={`story-${story.id}-title`}>
          <Link to={`/stories/${story.id}`}>{story.title}</Link>
        </h3>
        <VisibilityBadge visibility={story.visibility} />
      </header>
      <p className="meta">
        <span>
          by {story.author_name}
          {isMine ? ' (you)' : null} ·{' '}
        </span>
        <time dateTime={story.created_at}>{formatDateTime(story.created_at)}</time>
      </p>
      <Markdown source={story.content} className="story-excerpt" />
    </article>
  );
}
