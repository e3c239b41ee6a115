import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from './client';
import type { Legacy, LegacyInput } from './types';

export const legacyKeys = {
  mine: ['legacies', 'mine'] as const,
  search: (q: string) => ['legacies', 'search', q] as const,
  one: (id: string) => ['legacies', id] as const,
};

/** The legacies the signed-in person created, belongs to or asked to join. */
export function useMyLegacies(enabled = true) {
  return useQuery({
    queryKey: legacyKeys.mine,
    queryFn: () => unwrap(api.GET('/legacies', { params: { query: { limit: 100 } } })),
    enabled,
  });
}

/** Legacies whose name matches `q` (empty `q` asks nothing). */
export function useLegacySearch(q: string) {
  return useQuery({
    queryKey: legacyKeys.search(q),
    queryFn: () => unwrap(api.GET('/legacies/search', { params: { query: { q, limit: 50 } } })),
    enabled: q.trim().length > 0,
  });
}

/** One legacy (404 when it does not exist or may not be seen); an empty id asks nothing. */
export function useLegacy(id: string) {
  return useQuery({
    queryKey: legacyKeys.one(id),
    queryFn: () => unwrap(api.GET('/legacies/{id}', { params: { path: { id } } })),
    enabled: Boolean(id),
  });
}

/** Creates a legacy; the creator becomes its first member. */
export function useCreateLegacy() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: LegacyInput) => unwrap(api.POST('/legacies', { body })),
    onSuccess: (legacy: Legacy) => {
      queryClient.setQueryData(legacyKeys.one(legacy.id), legacy);
      void queryClient.invalidateQueries({ queryKey: legacyKeys.mine });
    },
  });
}

/** Changes a legacy's name, dates or biography. */
export function useUpdateLegacy(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: LegacyInput) => unwrap(api.PUT('/legacies/{id}', { params: { path: { id } }, body })),
    onSuccess: (legacy: Legacy) => {
      queryClient.setQueryData(legacyKeys.one(id), legacy);
      void queryClient.invalidateQueries({ queryKey: legacyKeys.mine });
    },
  });
}

/** Asks to join a legacy; the creator must approve. */
export function useJoinLegacy() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.POST('/legacies/{id}/join', { params: { path: { id } } })),
    onSuccess: (_membership, id) => {
      void queryClient.invalidateQueries({ queryKey: ['legacies'] });
      void queryClient.invalidateQueries({ queryKey: legacyKeys.one(id) });
    },
  });
}
