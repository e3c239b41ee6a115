import type { Legacy } from '../api/types';
import type { MediaUploader } from '../upload/MediaUploader';
import { canWrite } from '../roles';
import { UploadQueue } from './UploadQueue';

/** Until the server offers the media endpoints, nothing can be uploaded. */
const notYetAvailable: MediaUploader = {
  upload: () => Promise.reject(new Error('Uploading photos and videos is coming soon.')),
};

/** Photos and videos of a legacy: the gallery, and uploads for those who may add. */
export function MediaPanel({ legacy }: { legacy: Legacy }) {
  return (
    <section aria-labelledby="media-heading">
      <h2 id="media-heading">Photos &amp; videos</h2>
      <p className="empty">Photos and videos are coming soon.</p>
      {canWrite(legacy.my_role) ? (
        <UploadQueue uploader={notYetAvailable} disabledReason="Uploading photos and videos is coming soon." />
      ) : null}
    </section>
  );
}
