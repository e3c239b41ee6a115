import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { errorMessage, isNotFound } from '../api/ApiError';
import { useLegacy } from '../api/legacies';
import { useMe } from '../api/me';
import { useDeleteStory, useRestoreStory, useStory } from '../api/stories';
import { ErrorMessage } from '../components/ErrorMessage';
import { Loading } from '../components/Loading';
import { Markdown } from '../components/Markdown';
import { PageTitle } from '../components/PageTitle';
import { StoryHistory } from '../components/StoryHistory';
import { VisibilityBadge } from '../components/VisibilityBadge';
import { formatDateTime } from '../format';
import { VISIBILITY_INFO } from '../visibility';
import type { DeletedStoryState } from './LegacyPage';
import { NotFoundPage } from './NotFoundPage';

/** One story: its text, and for its author edit, history and delete (with undo). */
export default function StoryPage() {
  const { storyId = '' } = useParams();
  const me = useMe();
  const story = useStory(storyId);
  const legacy = useLegacy(story.data?.legacy_id ?? '');
  const remove = useDeleteStory();
  const restore = useRestoreStory();
  const navigate = useNavigate();
  const [showHistory, setShowHistory] = useState(false);

  if (story.isPending) return <Loading what="story" />;
  if (story.isError) {
    if (isNotFound(story.error)) return <NotFoundPage />;
    return <ErrorMessage title="Could not load the story." error={story.error} onRetry={() => void story.refetch()} />;
  }

  const current = story.data;
  const isAuthor = me.data?.id === current.author_id;
  const mayDelete = isAuthor || legacy.data?.my_role === 'creator';
  const legacyLink = `/legacies/${current.legacy_id}`;

  function onDelete() {
    remove.mutate(current.id, {
      onSuccess: (deleted) => {
        const state: DeletedStoryState = { deletedStory: { id: deleted.id, title: deleted.title } };
        navigate(legacyLink, { state });
      },
    });
  }

  return (
    <article className="story narrow">
      <p className="breadcrumb">
        <Link to={legacyLink}>← {legacy.data ? `Stories about ${legacy.data.name}` : 'Back to the legacy'}</Link>
      </p>
      <PageTitle documentTitle={current.title}>{current.title}</PageTitle>
      <p className="meta">
        <VisibilityBadge visibility={current.visibility} /> {VISIBILITY_INFO[current.visibility].explanation}
      </p>
      <p className="meta">
        Written by {current.author_name}
        {isAuthor ? ' (you)' : null} on <time dateTime={current.created_at}>{formatDateTime(current.created_at)}</time>
        {current.updated_at !== current.created_at ? (
          <>
            , last changed <time dateTime={current.updated_at}>{formatDateTime(current.updated_at)}</time>
          </>
        ) : null}
      </p>
      {current.ai_excluded ? <p className="meta">Kept out of the AI companion: it never reads or quotes this story.</p> : null}
      {current.deleted_at ? (
        <div className="notice" role="status">
          <p>This story was deleted on {formatDateTime(current.deleted_at)}. It can be restored for 30 days.</p>
          {mayDelete ? (
            <button type="button" className="button" disabled={restore.isPending} onClick={() => restore.mutate(current.id)}>
              Restore it
            </button>
          ) : null}
          {restore.isError ? <ErrorMessage error={restore.error} /> : null}
        </div>
      ) : null}
      <Markdown source={current.content} className="story-body" />
      {!current.deleted_at && (isAuthor || mayDelete) ? (
        <div className="actions">
          {isAuthor ? (
            <>
              <Link className="button" to={`/stories/${current.id}/edit`}>
                Edit
              </Link>
              <button type="button" className="button-secondary" aria-expanded={showHistory} onClick={() => setShowHistory((v) => !v)}>
                {showHistory ? 'Hide history' : 'History'}
              </button>
            </>
          ) : null}
          {mayDelete ? (
            <button type="button" className="button-danger" disabled={remove.isPending} onClick={onDelete}>
              {remove.isPending ? 'Deleting…' : 'Delete'}
            </button>
          ) : null}
        </div>
      ) : null}
      {remove.isError ? (
        <p className="error-text" role="alert">
          {errorMessage(remove.error)}
        </p>
      ) : null}
      {showHistory ? <StoryHistory storyId={current.id} /> : null}
    </article>
  );
}
