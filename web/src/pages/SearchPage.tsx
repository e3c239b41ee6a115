import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useLegacy } from '../api/legacies';
import { useStorySearch } from '../api/search';
import { useMe } from '../api/me';
import { ErrorMessage } from '../components/ErrorMessage';
import { Loading } from '../components/Loading';
import { PageTitle } from '../components/PageTitle';
import { SignInRequired } from '../components/SignInRequired';
import { SnippetText } from '../components/SnippetText';
import { VisibilityBadge } from '../components/VisibilityBadge';
import { formatDateTime } from '../format';

/** How long typing pauses before the results follow. */
const TYPING_PAUSE_MS = 250;

/**
 * Story search results: `?q=` in all of the person's legacies, or with
 * `&legacy=` in one. Results follow the box while typing.
 */
export default function SearchPage() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const legacyId = params.get('legacy') ?? '';
  const [text, setText] = useState(q);
  const me = useMe();
  const legacy = useLegacy(legacyId);
  const results = useStorySearch(q, legacyId);

  // Follow the box while typing, after a short pause, without a history entry per key.
  useEffect(() => {
    const wanted = text.trim() ? text : '';
    if (wanted === q) return;
    const timer = setTimeout(() => {
      const next = new URLSearchParams();
      if (wanted) next.set('q', wanted);
      if (legacyId) next.set('legacy', legacyId);
      setParams(next, { replace: true });
    }, TYPING_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [text, q, legacyId, setParams]);

  const where = legacyId ? (legacy.data ? `in ${legacy.data.name}` : 'in this legacy') : 'in my legacies';
  if (!legacyId && me.isSuccess && !me.data) {
    return <SignInRequired what="search the stories of your legacies" />;
  }
  const hits = results.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <section>
      <PageTitle documentTitle="Search stories">Search stories {where}</PageTitle>
      <form role="search" aria-label="Search stories" className="search-form" onSubmit={(event) => event.preventDefault()}>
        <label htmlFor="story-search">Search for</label>
        <div className="search-row">
          <input
            id="story-search"
            type="search"
            name="q"
            value={text}
            maxLength={500}
            aria-describedby="story-search-help"
            onChange={(event) => setText(event.target.value)}
          />
        </div>
        <p id="story-search-help" className="hint">
          All words must match. Use “quotes” for a phrase, -word to leave out, OR for either.
        </p>
      </form>
      {legacyId ? (
        <p className="meta">
          <Link to="/search">Search all my legacies instead</Link>
        </p>
      ) : null}
      {!q.trim() ? (
        <p className="hint">Type a word, a name or a place to find the stories that mention it.</p>
      ) : results.isPending ? (
        <Loading what="results" />
      ) : results.isError ? (
        <ErrorMessage title="The search failed." error={results.error} onRetry={() => void results.refetch()} />
      ) : hits.length === 0 ? (
        <p className="empty" role="status">
          No story matches “{q}”.
        </p>
      ) : (
        <>
          <p className="visually-hidden" role="status">
            {hits.length}
            {results.hasNextPage ? ' or more' : ''} {hits.length === 1 ? 'story' : 'stories'} found
          </p>
          <ol className="search-results" aria-label="Search results">
            {hits.map((hit) => (
              <li key={hit.story_id} className="search-hit">
                <h2 className="search-hit-title">
                  <Link to={`/stories/${hit.story_id}`}>{hit.title}</Link>
                </h2>
                <p className="meta">
                  {legacyId ? null : <>{hit.legacy_name} · </>}
                  by {hit.author_name} · {formatDateTime(hit.created_at)} <VisibilityBadge visibility={hit.visibility} />
                </p>
                <SnippetText snippet={hit.snippet} />
              </li>
            ))}
          </ol>
          {results.hasNextPage ? (
            <button
              type="button"
              className="button-secondary"
              disabled={results.isFetchingNextPage}
              onClick={() => void results.fetchNextPage()}
            >
              {results.isFetchingNextPage ? 'Loading…' : 'More results'}
            </button>
          ) : null}
        </>
      )}
    </section>
  );
}
