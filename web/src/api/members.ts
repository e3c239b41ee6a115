import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from './client';
import { legacyKeys } from './legacies';

export const memberKeys = {
  of: (legacyId: string) => ['members', legacyId] as const,
};

/** The members (and pending requests) of a legacy. */
export function useMembers(legacyId: string, enabled = true) {
  return useQuery({
    queryKey: memberKeys.of(legacyId),
    queryFn: () => unwrap(api.GET('/legacies/{id}/members', { params: { path: { id: legacyId } } })),
    enabled,
  });
}

/** What the creator may do to one member. */
export type MemberAction =
  | { kind: 'approve'; userId: string }
  | { kind: 'reject'; userId: string }
  | { kind: 'promote'; userId: string }
  | { kind: 'demote'; userId: string }
  | { kind: 'remove'; userId: string };

/** Approves, rejects, promotes, demotes or removes a member. */
export function useMemberAction(legacyId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (action: MemberAction) => {
      const path = { id: legacyId, uid: action.userId };
      switch (action.kind) {
        case 'approve':
          await unwrap(api.POST('/legacies/{id}/members/{uid}/approve', { params: { path } }));
          return;
        case 'reject':
          await unwrap(api.POST('/legacies/{id}/members/{uid}/reject', { params: { path } }));
          return;
        case 'promote':
          await unwrap(api.PUT('/legacies/{id}/members/{uid}/role', { params: { path }, body: { role: 'editor' } }));
          return;
        case 'demote':
          await unwrap(api.PUT('/legacies/{id}/members/{uid}/role', { params: { path }, body: { role: 'member' } }));
          return;
        case 'remove':
          await unwrap(api.DELETE('/legacies/{id}/members/{uid}', { params: { path } }));
          return;
      }
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: memberKeys.of(legacyId) }),
  });
}

/** Leaves a legacy (not possible for its creator). */
export function useLeaveLegacy(legacyId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST('/legacies/{id}/leave', { params: { path: { id: legacyId } } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: legacyKeys.one(legacyId) });
      void queryClient.invalidateQueries({ queryKey: legacyKeys.mine });
      // Search results carry the role too.
      void queryClient.invalidateQueries({ queryKey: ['legacies', 'search'] });
      void queryClient.invalidateQueries({ queryKey: ['stories', 'list', legacyId] });
    },
  });
}
