import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from './client';

export const chatKeys = {
  status: ['chat', 'status'] as const,
  conversations: (legacyId: string) => ['chat', 'conversations', legacyId] as const,
  conversation: (id: string) => ['chat', 'conversation', id] as const,
};

const PAGE_SIZE = 20;

/** Whether this server has the AI companion switched on (a model is configured). */
export function useChatStatus(enabled = true) {
  return useQuery({
    queryKey: chatKeys.status,
    queryFn: () => unwrap(api.GET('/chat/status')),
    staleTime: 5 * 60_000,
    enabled,
  });
}

/** The signed-in person's conversations about one legacy, newest first, a page at a time. */
export function useConversations(legacyId: string) {
  return useInfiniteQuery({
    queryKey: chatKeys.conversations(legacyId),
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/chat/conversations', {
          params: { query: { legacy_id: legacyId, limit: PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    initialPageParam: '' as string,
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  });
}

/** One conversation with its messages (404 when it is gone or someone else's). */
export function useConversation(id: string | undefined) {
  return useQuery({
    queryKey: chatKeys.conversation(id ?? ''),
    queryFn: () => unwrap(api.GET('/chat/conversations/{id}', { params: { path: { id: id ?? '' } } })),
    enabled: Boolean(id),
    retry: false,
  });
}

/** Gives a conversation a new title. */
export function useRenameConversation(legacyId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, title }: { id: string; title: string }) =>
      unwrap(api.PATCH('/chat/conversations/{id}', { params: { path: { id } }, body: { title } })),
    onSuccess: (conversation) => {
      void queryClient.invalidateQueries({ queryKey: chatKeys.conversations(legacyId) });
      void queryClient.invalidateQueries({ queryKey: chatKeys.conversation(conversation.id) });
    },
  });
}

/** Deletes a conversation and its messages for good. */
export function useDeleteConversation(legacyId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/chat/conversations/{id}', { params: { path: { id } } })),
    onSuccess: (_data, id) => {
      queryClient.removeQueries({ queryKey: chatKeys.conversation(id) });
      void queryClient.invalidateQueries({ queryKey: chatKeys.conversations(legacyId) });
    },
  });
}
