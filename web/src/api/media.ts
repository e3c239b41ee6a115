import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiError } from './ApiError';
import { api, unwrap } from './client';
import { formatBytes } from '../format';
import type { MediaUploader } from '../upload/MediaUploader';
import { acceptedType, refusalReason } from '../upload/mediaRules';
import { sendWithProgress } from '../upload/sendWithProgress';

export const mediaKeys = {
  of: (legacyId: string) => ['media', legacyId] as const,
};

const PAGE_SIZE = 30;

/** A legacy's photos and videos the caller may see, newest first, with short-lived URLs. */
export function useMedia(legacyId: string, enabled = true) {
  return useInfiniteQuery({
    queryKey: mediaKeys.of(legacyId),
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/media', {
          params: { query: { legacy_id: legacyId, limit: PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    initialPageParam: '' as string,
    getNextPageParam: (page) => page.next_cursor ?? undefined,
    enabled,
  });
}

/** Deletes a photo or video (its uploader or the creator). */
export function useDeleteMedia(legacyId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/media/{id}', { params: { path: { id } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: mediaKeys.of(legacyId) }),
  });
}

/** Headers a browser sets itself and refuses to take from scripts. */
const BROWSER_CONTROLLED_HEADERS = new Set(['content-length', 'host', 'connection']);

/**
 * Uploads into a legacy the way the API asks: presign (type, size and quota
 * are checked there), PUT the bytes with exactly the returned headers, then
 * register (the server checks the stored bytes really are that type).
 */
export function mediaUploader(legacyId: string): MediaUploader {
  return {
    async upload(file, onProgress) {
      const contentType = acceptedType(file.type);
      if (contentType === null) throw new Error(refusalReason(file) ?? `${file.name} cannot be uploaded.`);
      const declared = {
        legacy_id: legacyId,
        file_name: file.name,
        content_type: contentType,
        size_bytes: file.size,
      };
      const ticket = await unwrap(api.POST('/media/presign', { body: declared })).catch((error: unknown) => {
        throw quotaMessage(error, file.name) ?? error;
      });
      const headers = Object.fromEntries(
        Object.entries(ticket.upload.headers).filter(([name]) => !BROWSER_CONTROLLED_HEADERS.has(name.toLowerCase())),
      );
      await sendWithProgress(ticket.upload.method, ticket.upload.url, headers, file, onProgress);
      await unwrap(api.POST('/media', { body: { ...declared, media_id: ticket.media_id } }));
    },
  };
}

/** The quota refusal in words and units people read, when that is what `error` is. */
function quotaMessage(error: unknown, fileName: string): Error | null {
  if (!(error instanceof ApiError) || error.code !== 'QUOTA_EXCEEDED') return null;
  const details = error.details as { quota_bytes?: number; used_bytes?: number } | null | undefined;
  if (typeof details?.quota_bytes !== 'number' || typeof details.used_bytes !== 'number') return null;
  return new Error(
    `${fileName} does not fit in your storage quota: you use ${formatBytes(details.used_bytes)} of ${formatBytes(details.quota_bytes)}.`,
  );
}
