import { errorMessage } from '../api/ApiError';
import { useRestoreRevision, useRevisions } from '../api/stories';
import { formatDateTime } from '../format';
import { ErrorMessage } from './ErrorMessage';
import { Loading } from './Loading';
import { Markdown } from './Markdown';
import { VisibilityBadge } from './VisibilityBadge';

/** Earlier versions of a story, newest first, each of which can be brought back. */
export function StoryHistory({ storyId }: { storyId: string }) {
  const revisions = useRevisions(storyId, true);
  const restore = useRestoreRevision(storyId);

  if (revisions.isPending) return <Loading what="history" />;
  if (revisions.isError) {
    return <ErrorMessage title="Could not load the history." error={revisions.error} onRetry={() => void revisions.refetch()} />;
  }
  return (
    <section aria-labelledby="history-heading" className="history">
      <h2 id="history-heading">History</h2>
      <p aria-live="polite" className="status-line">
        {restore.isSuccess ? 'The earlier version is back; the one it replaced is now in the history.' : ''}
      </p>
      {restore.isError ? (
        <p className="error-text" role="alert">
          {errorMessage(restore.error)}
        </p>
      ) : null}
      {revisions.data.length === 0 ? (
        <p className="empty">This story has not been changed since it was written.</p>
      ) : (
        <ol className="revision-list">
          {revisions.data.map((revision) => (
            <li key={revision.id} className="card">
              <details>
                <summary>
                  “{revision.title}”, replaced {formatDateTime(revision.replaced_at)}{' '}
                  <VisibilityBadge visibility={revision.visibility} />
                </summary>
                <Markdown source={revision.content} />
              </details>
              <button
                type="button"
                className="button-secondary"
                disabled={restore.isPending}
                onClick={() => restore.mutate(revision.id)}
                aria-label={`Restore the version replaced ${formatDateTime(revision.replaced_at)}`}
              >
                Restore this version
              </button>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
