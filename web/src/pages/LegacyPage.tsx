import { useLocation, useParams, useSearchParams } from 'react-router-dom';
import { isNotFound } from '../api/ApiError';
import { useLegacy } from '../api/legacies';
import { useMe } from '../api/me';
import { ErrorMessage } from '../components/ErrorMessage';
import { LegacyHeader } from '../components/LegacyHeader';
import { LegacyTabs, type LegacyTab } from '../components/LegacyTabs';
import { Loading } from '../components/Loading';
import { MediaPanel } from '../components/MediaPanel';
import { MembersPanel } from '../components/MembersPanel';
import { SearchBox } from '../components/SearchBox';
import { StoryList } from '../components/StoryList';
import { UndoDeleteNotice } from '../components/UndoDeleteNotice';
import { canWrite, isApproved } from '../roles';
import { NotFoundPage } from './NotFoundPage';

/** What the story page passes along after deleting a story, for "Undo". */
export interface DeletedStoryState {
  deletedStory?: { id: string; title: string };
}

/** A legacy: header, stories (public ones for anyone with the link), members and media. */
export function LegacyPage() {
  const { legacyId = '' } = useParams();
  const [params] = useSearchParams();
  const location = useLocation();
  const me = useMe();
  const legacy = useLegacy(legacyId);
  const approved = isApproved(legacy.data?.my_role);

  if (legacy.isPending) return <Loading what="legacy" />;
  if (legacy.isError) {
    if (isNotFound(legacy.error)) return <NotFoundPage />;
    return <ErrorMessage title="Could not load this legacy." error={legacy.error} onRetry={() => void legacy.refetch()} />;
  }

  const tabs: LegacyTab[] = approved ? ['stories', 'members', 'media'] : ['stories'];
  const requested = params.get('tab') as LegacyTab | null;
  const tab: LegacyTab = requested && tabs.includes(requested) ? requested : 'stories';
  const deleted = (location.state as DeletedStoryState | null)?.deletedStory;

  return (
    <div className="legacy">
      <LegacyHeader legacy={legacy.data} />
      {deleted ? <UndoDeleteNotice storyId={deleted.id} title={deleted.title} /> : null}
      {tabs.length > 1 ? <LegacyTabs tabs={tabs} current={tab} /> : null}
      {tab === 'stories' ? <SearchBox legacyId={legacyId} label={`Search the stories of ${legacy.data.name}`} /> : null}
      {tab === 'stories' ? (
        <StoryList legacyId={legacyId} myId={me.data?.id} canWrite={canWrite(legacy.data.my_role)} />
      ) : tab === 'members' && me.data ? (
        <MembersPanel legacy={legacy.data} myId={me.data.id} />
      ) : (
        <MediaPanel legacy={legacy.data} myId={me.data?.id} />
      )}
    </div>
  );
}
