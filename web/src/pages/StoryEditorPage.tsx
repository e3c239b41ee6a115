import { useNavigate, useParams } from 'react-router-dom';
import { isNotFound } from '../api/ApiError';
import { useLegacy } from '../api/legacies';
import { useMe } from '../api/me';
import { useCreateStory, useStory, useUpdateStory } from '../api/stories';
import type { StoryInput } from '../api/types';
import { draftKey, loadDraft } from '../drafts/storyDraft';
import { ErrorMessage } from '../components/ErrorMessage';
import { Loading } from '../components/Loading';
import { PageTitle } from '../components/PageTitle';
import { SignInRequired } from '../components/SignInRequired';
import { canWrite } from '../roles';
import { StoryEditorForm } from '../components/StoryEditorForm';
import { NotFoundPage } from './NotFoundPage';

const EMPTY: StoryInput = { title: '', content: '', visibility: 'private' };

/** Write a new story (`/legacies/:legacyId/stories/new`) or edit one (`/stories/:storyId/edit`). */
export default function StoryEditorPage() {
  const { legacyId, storyId } = useParams();
  const me = useMe();
  const story = useStory(storyId);
  const legacy = useLegacy(legacyId ?? story.data?.legacy_id ?? '');
  const create = useCreateStory();
  const update = useUpdateStory(storyId ?? '');
  const navigate = useNavigate();

  if (me.isPending || (storyId && story.isPending)) return <Loading what="the editor" />;
  if (!me.data) return <SignInRequired what="write stories" />;
  if (storyId && story.isError) {
    if (isNotFound(story.error)) return <NotFoundPage />;
    return <ErrorMessage title="Could not load the story." error={story.error} onRetry={() => void story.refetch()} />;
  }

  const userId = me.data.id;
  const legacyName = legacy.data?.name;

  if (storyId && story.data) {
    const current = story.data;
    const key = draftKey(userId, { storyId });
    return (
      <section>
        <PageTitle documentTitle={`Edit ${current.title}`}>Edit “{current.title}”</PageTitle>
        <StoryEditorForm
          key={key}
          saved={{ title: current.title, content: current.content, visibility: current.visibility }}
          aiExcluded={current.ai_excluded}
          draft={loadDraft(key)}
          draftKey={key}
          submitLabel="Save changes"
          saving={update.isPending}
          error={update.error}
          onSubmit={(input, done) =>
            update.mutate(input, {
              onSuccess: () => {
                done();
                navigate(`/stories/${storyId}`);
              },
            })
          }
        />
      </section>
    );
  }

  if (legacy.data && !canWrite(legacy.data.my_role)) {
    return (
      <section className="narrow">
        <PageTitle documentTitle="Write a story">Only editors write stories here</PageTitle>
        <p>
          Stories about {legacy.data.name} are written by its editors and its creator. Ask the creator to make you an
          editor.
        </p>
      </section>
    );
  }

  const forLegacy = legacyId ?? '';
  const key = draftKey(userId, { legacyId: forLegacy });
  return (
    <section>
      <PageTitle documentTitle="Write a story">{legacyName ? `A story about ${legacyName}` : 'Write a story'}</PageTitle>
      <StoryEditorForm
        key={key}
        saved={EMPTY}
        draft={loadDraft(key)}
        draftKey={key}
        submitLabel="Save story"
        saving={create.isPending}
        error={create.error}
        onSubmit={(input, done) =>
          create.mutate(
            { ...input, legacy_id: forLegacy },
            {
              onSuccess: () => {
                done();
                navigate(`/legacies/${forLegacy}`);
              },
            },
          )
        }
      />
    </section>
  );
}
