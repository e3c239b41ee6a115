import { useEffect, useRef } from 'react';
import { Link } from 'react-router-dom';
import { useStories } from '../api/stories';
import { ErrorMessage } from './ErrorMessage';
import { Loading } from './Loading';
import { StoryCard } from './StoryCard';

interface StoryListProps {
  legacyId: string;
  /** The signed-in reader, whose own stories are marked. */
  myId?: string;
  canWrite: boolean;
}

/** A legacy's stories, newest first; more load as the reader reaches the end (or presses the button). */
export function StoryList({ legacyId, myId, canWrite }: StoryListProps) {
  const stories = useStories(legacyId);
  const sentinel = useRef<HTMLDivElement>(null);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = stories;

  useEffect(() => {
    const element = sentinel.current;
    if (!element || !hasNextPage || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting) && !isFetchingNextPage) void fetchNextPage();
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  if (stories.isPending) return <Loading what="stories" />;
  if (!stories.data) {
    return <ErrorMessage title="Could not load the stories." error={stories.error} onRetry={() => void stories.refetch()} />;
  }

  const items = stories.data.pages.flatMap((page) => page.items);
  return (
    <section aria-labelledby="stories-heading">
      <div className="section-heading">
        <h2 id="stories-heading">Stories</h2>
        {canWrite ? (
          <Link className="button" to={`/legacies/${legacyId}/stories/new`}>
            Write Story
          </Link>
        ) : null}
      </div>
      {items.length === 0 ? (
        <p className="empty">
          {canWrite ? 'No stories yet. Write the first memory.' : 'There are no stories here that you can read yet.'}
        </p>
      ) : (
        <ol className="story-list" aria-label="Stories, newest first">
          {items.map((story) => (
            <li key={story.id}>
              <StoryCard story={story} isMine={myId !== undefined && story.author_id === myId} />
            </li>
          ))}
        </ol>
      )}
      <div ref={sentinel} />
      {hasNextPage ? (
        <button type="button" className="button-secondary" disabled={isFetchingNextPage} onClick={() => void fetchNextPage()}>
          {isFetchingNextPage ? 'Loading more…' : 'Show more stories'}
        </button>
      ) : null}
      {stories.isFetchNextPageError ? <ErrorMessage title="Could not load more stories." error={stories.error} /> : null}
    </section>
  );
}
