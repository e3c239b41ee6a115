import { useInfiniteQuery, useMutation, useQuery, useQueryClient, type InfiniteData } from '@tanstack/react-query';
import { api, unwrap } from './client';
import type { Story, StoryCreate, StoryInput, StoryPage } from './types';

export const storyKeys = {
  list: (legacyId: string) => ['stories', 'list', legacyId] as const,
  one: (id: string) => ['stories', id] as const,
  revisions: (id: string) => ['stories', id, 'revisions'] as const,
};

const PAGE_SIZE = 20;

/** A legacy's stories the caller may read, newest first, a page at a time. */
export function useStories(legacyId: string) {
  return useInfiniteQuery({
    queryKey: storyKeys.list(legacyId),
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/stories', {
          params: { query: { legacy_id: legacyId, limit: PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    initialPageParam: '' as string,
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  });
}

/** One story (404 when missing or not readable by the caller). */
export function useStory(id: string | undefined) {
  return useQuery({
    queryKey: storyKeys.one(id ?? ''),
    queryFn: () => unwrap(api.GET('/stories/{id}', { params: { path: { id: id ?? '' } } })),
    enabled: Boolean(id),
  });
}

/** The earlier versions of a story. */
export function useRevisions(id: string, enabled: boolean) {
  return useQuery({
    queryKey: storyKeys.revisions(id),
    queryFn: () => unwrap(api.GET('/stories/{id}/revisions', { params: { path: { id } } })),
    enabled,
  });
}

function useStoryCacheUpdate() {
  const queryClient = useQueryClient();
  return (story: Story) => {
    queryClient.setQueryData(storyKeys.one(story.id), story);
    if (story.deleted_at) {
      // Gone from the list at once, not after the refetch.
      queryClient.setQueryData<InfiniteData<StoryPage>>(storyKeys.list(story.legacy_id), (data) =>
        data && { ...data, pages: data.pages.map((page) => ({ ...page, items: page.items.filter((s) => s.id !== story.id) })) },
      );
    }
    void queryClient.invalidateQueries({ queryKey: storyKeys.list(story.legacy_id) });
    void queryClient.invalidateQueries({ queryKey: storyKeys.revisions(story.id) });
  };
}

/** Writes a new story. */
export function useCreateStory() {
  const update = useStoryCacheUpdate();
  return useMutation({
    mutationFn: (body: StoryCreate) => unwrap(api.POST('/stories', { body })),
    onSuccess: update,
  });
}

/** Edits a story (the replaced version goes to its history). */
export function useUpdateStory(id: string) {
  const update = useStoryCacheUpdate();
  return useMutation({
    mutationFn: (body: StoryInput) => unwrap(api.PUT('/stories/{id}', { params: { path: { id } }, body })),
    onSuccess: update,
  });
}

/** Deletes a story; it answers the deleted story so it can be restored (undo). */
export function useDeleteStory() {
  const update = useStoryCacheUpdate();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/stories/{id}', { params: { path: { id } } })),
    onSuccess: update,
  });
}

/** Brings back a deleted story. */
export function useRestoreStory() {
  const update = useStoryCacheUpdate();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.POST('/stories/{id}/restore', { params: { path: { id } } })),
    onSuccess: update,
  });
}

/** Makes an earlier version the current one. */
export function useRestoreRevision(id: string) {
  const update = useStoryCacheUpdate();
  return useMutation({
    mutationFn: (revisionId: string) =>
      unwrap(api.POST('/stories/{id}/revisions/{rid}/restore', { params: { path: { id, rid: revisionId } } })),
    onSuccess: update,
  });
}
