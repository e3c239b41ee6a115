import { useCallback, useMemo } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../api/ApiError';
import { mediaKeys, mediaUploader, useDeleteMedia, useMedia } from '../api/media';
import type { Legacy } from '../api/types';
import { canWrite } from '../roles';
import { ErrorMessage } from './ErrorMessage';
import { Loading } from './Loading';
import { MediaTile } from './MediaTile';
import { UploadQueue } from './UploadQueue';

/** Photos and videos of a legacy: uploads for editors and the creator, and the gallery. */
export function MediaPanel({ legacy, myId }: { legacy: Legacy; myId: string | undefined }) {
  const media = useMedia(legacy.id);
  const remove = useDeleteMedia(legacy.id);
  const queryClient = useQueryClient();
  const uploader = useMemo(() => mediaUploader(legacy.id), [legacy.id]);
  const refresh = useCallback(() => void queryClient.invalidateQueries({ queryKey: mediaKeys.of(legacy.id) }), [queryClient, legacy.id]);
  const items = media.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <section aria-labelledby="media-heading">
      <h2 id="media-heading">Photos &amp; videos</h2>
      {canWrite(legacy.my_role) ? <UploadQueue uploader={uploader} onUploaded={refresh} /> : null}
      {remove.isError ? (
        <p className="error-text" role="alert">
          {errorMessage(remove.error)}
        </p>
      ) : null}
      {media.isPending ? (
        <Loading what="photos and videos" />
      ) : !media.data ? (
        <ErrorMessage title="Could not load the photos and videos." error={media.error} onRetry={() => void media.refetch()} />
      ) : items.length === 0 ? (
        <p className="empty">No photos or videos yet.</p>
      ) : (
        <ul className="gallery" aria-label="Photos and videos">
          {items.map((item) => (
            <MediaTile
              key={item.id}
              media={item}
              canDelete={item.uploaded_by === myId || legacy.my_role === 'creator'}
              deleting={remove.isPending && remove.variables === item.id}
              onDelete={() => remove.mutate(item.id)}
            />
          ))}
        </ul>
      )}
      {media.hasNextPage ? (
        <button type="button" className="button-secondary" disabled={media.isFetchingNextPage} onClick={() => void media.fetchNextPage()}>
          {media.isFetchingNextPage ? 'Loading more…' : 'Show more'}
        </button>
      ) : null}
    </section>
  );
}
