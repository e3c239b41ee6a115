import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useRestoreStory } from '../api/stories';
import { errorMessage } from '../api/ApiError';

/** "“Title” was deleted. Undo" after a story is deleted. */
export function UndoDeleteNotice({ storyId, title }: { storyId: string; title: string }) {
  const restore = useRestoreStory();
  const [dismissed, setDismissed] = useState(false);
  if (dismissed) return null;
  return (
    <div className="notice" role="status">
      {restore.isSuccess ? (
        <p>
          “<Link to={`/stories/${storyId}`}>{title}</Link>” is back.
        </p>
      ) : (
        <p>
          “{title}” was deleted. You can undo this for 30 days.{' '}
          <button type="button" className="button-secondary" disabled={restore.isPending} onClick={() => restore.mutate(storyId)}>
            {restore.isPending ? 'Restoring…' : 'Undo'}
          </button>{' '}
          <button type="button" className="link-button" onClick={() => setDismissed(true)}>
            Dismiss
          </button>
        </p>
      )}
      {restore.isError ? (
        <p className="error-text" role="alert">
          {errorMessage(restore.error)}
        </p>
      ) : null}
    </div>
  );
}
