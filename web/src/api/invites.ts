import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from './client';
import { legacyKeys } from './legacies';
import { meKey } from './me';
import { memberKeys } from './members';

export const inviteKeys = {
  of: (legacyId: string) => ['invites', legacyId] as const,
  preview: (token: string) => ['invite', token] as const,
};

/** The invite links of a legacy (its creator only). */
export function useInvites(legacyId: string) {
  return useQuery({
    queryKey: inviteKeys.of(legacyId),
    queryFn: () => unwrap(api.GET('/legacies/{id}/invites', { params: { path: { id: legacyId } } })),
  });
}

/** What a new invite grants. */
export interface InviteTermsInput {
  role: 'member' | 'editor';
  days: number;
  max_uses: number;
}

/** Makes an invite link; the answer carries its secret, shown only once. */
export function useCreateInvite(legacyId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (terms: InviteTermsInput) =>
      unwrap(api.POST('/legacies/{id}/invites', { params: { path: { id: legacyId } }, body: terms })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: inviteKeys.of(legacyId) }),
  });
}

/** Withdraws an invite link. */
export function useRevokeInvite(legacyId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (inviteId: string) =>
      unwrap(api.DELETE('/legacies/{id}/invites/{invite_id}', { params: { path: { id: legacyId, invite_id: inviteId } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: inviteKeys.of(legacyId) }),
  });
}

/** What an invite link leads to (open to anyone holding it). */
export function useInvitePreview(token: string) {
  return useQuery({
    queryKey: inviteKeys.preview(token),
    queryFn: () => unwrap(api.GET('/invites/{token}', { params: { path: { token } } })),
    retry: false,
  });
}

function useAfterJoining() {
  const queryClient = useQueryClient();
  return (legacyId: string) => {
    void queryClient.invalidateQueries({ queryKey: meKey });
    void queryClient.invalidateQueries({ queryKey: legacyKeys.mine });
    void queryClient.invalidateQueries({ queryKey: legacyKeys.one(legacyId) });
    void queryClient.invalidateQueries({ queryKey: memberKeys.of(legacyId) });
  };
}

/** Accepts an invite as the person signed in. */
export function useAcceptInvite(token: string) {
  const afterJoining = useAfterJoining();
  return useMutation({
    mutationFn: () => unwrap(api.POST('/invites/{token}/accept', { params: { path: { token } } })),
    onSuccess: (accepted) => afterJoining(accepted.legacy_id),
  });
}

/** Accepts an invite with a new account (name and e-mail); the server signs it in. */
export function useAcceptInviteWithNewAccount(token: string) {
  const afterJoining = useAfterJoining();
  return useMutation({
    mutationFn: (account: { name: string; email: string }) =>
      unwrap(api.POST('/invites/{token}/accept-new-account', { params: { path: { token } }, body: account })),
    onSuccess: (accepted) => afterJoining(accepted.legacy_id),
  });
}
