import { useInfiniteQuery } from '@tanstack/react-query';
import { api, unwrap } from './client';

export const searchKeys = {
  stories: (q: string, legacyId: string) => ['search', q, legacyId] as const,
};

const PAGE_SIZE = 20;

/**
 * Stories matching `q` that the signed-in person (or visitor) may read, best
 * first, a page at a time: in one legacy when `legacyId` is set, otherwise
 * in all of the person's legacies. An empty `q` asks nothing.
 */
export function useStorySearch(q: string, legacyId: string) {
  return useInfiniteQuery({
    queryKey: searchKeys.stories(q, legacyId),
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/search', {
          params: {
            query: {
              q,
              limit: PAGE_SIZE,
              ...(legacyId ? { legacy_id: legacyId } : {}),
              ...(pageParam ? { cursor: pageParam } : {}),
            },
          },
        }),
      ),
    initialPageParam: '' as string,
    getNextPageParam: (page) => page.next_cursor ?? undefined,
    enabled: q.trim().length > 0,
    // A query with nothing to search for is refused (422): asking again will not help.
    retry: false,
  });
}
