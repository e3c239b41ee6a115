import { lazy, Suspense } from 'react';
import { useLocation, useParams, useSearchParams } from 'react-router-dom';
import { isNotFound } from '../api/ApiError';
import { useChatStatus } from '../api/chat';
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

// The companion's panel loads on demand (most visits never open it).
const ChatPanel = lazy(() => import('../components/ChatPanel').then((m) => ({ default: m.ChatPanel })));

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
  const chat = useChatStatus(approved);

  if (legacy.isPending) return <Loading what="legacy" />;
  if (legacy.isError) {
    if (isNotFound(legacy.error)) return <NotFoundPage />;
    return <ErrorMessage title="Could not load this legacy." error={legacy.error} onRetry={() => void legacy.refetch()} />;
  }

  const requested = params.get('tab') as LegacyTab | null;
  // "Ask about {name}" is for approved members, while the companion is on. An
  // address with ?tab=ask still opens the panel when it is off: the panel says
  // so plainly and keeps earlier conversations readable.
  const askTab = chat.data?.enabled === true || requested === 'ask';
  const tabs: LegacyTab[] = approved ? ['stories', 'members', 'media', ...(askTab ? (['ask'] as const) : [])] : ['stories'];
  const tab: LegacyTab = requested && tabs.includes(requested) ? requested : 'stories';
  const deleted = (location.state as DeletedStoryState | null)?.deletedStory;

  return (
    <div className="legacy">
      <LegacyHeader legacy={legacy.data} />
      {deleted ? <UndoDeleteNotice storyId={deleted.id} title={deleted.title} /> : null}
      {tabs.length > 1 ? <LegacyTabs tabs={tabs} current={tab} name={legacy.data.name} /> : null}
      {tab === 'stories' ? <SearchBox legacyId={legacyId} label={`Search the stories of ${legacy.data.name}`} /> : null}
      {tab === 'stories' ? (
        <StoryList legacyId={legacyId} myId={me.data?.id} canWrite={canWrite(legacy.data.my_role)} />
      ) : tab === 'ask' ? (
        <Suspense fallback={<Loading what="the companion" />}>
          <ChatPanel legacy={legacy.data} />
        </Suspense>
      ) : tab === 'members' && me.data ? (
        <MembersPanel legacy={legacy.data} myId={me.data.id} />
      ) : (
        <MediaPanel legacy={legacy.data} myId={me.data?.id} />
      )}
    </div>
  );
}
