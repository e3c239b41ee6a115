import { useEffect, useState } from 'react';
import type { components } from '../api/schema';
import { formatBytes } from '../format';

type Media = components['schemas']['MediaOut'];

interface MediaTileProps {
  media: Media;
  canDelete: boolean;
  deleting: boolean;
  onDelete: () => void;
}

const THUMBNAIL_RETRY_MS = 1500;
const THUMBNAIL_RETRIES = 5;

/**
 * Until the thumbnail of a just-uploaded photo exists (or when it cannot be
 * made) its URL answers 404: show the original meanwhile, and switch to the
 * thumbnail once it loads.
 */
function useThumbnail(thumbnailUrl: string | undefined, originalUrl: string) {
  const [thumbnailWorks, setThumbnailWorks] = useState(true);
  useEffect(() => {
    if (thumbnailWorks || !thumbnailUrl) return;
    let tries = 0;
    const timer = window.setInterval(() => {
      const probe = new Image();
      probe.onload = () => {
        window.clearInterval(timer);
        setThumbnailWorks(true);
      };
      probe.src = thumbnailUrl;
      tries += 1;
      if (tries >= THUMBNAIL_RETRIES) window.clearInterval(timer);
    }, THUMBNAIL_RETRY_MS);
    return () => window.clearInterval(timer);
  }, [thumbnailWorks, thumbnailUrl]);
  return {
    src: thumbnailUrl && thumbnailWorks ? thumbnailUrl : originalUrl,
    onError: () => setThumbnailWorks(false),
  };
}

/** One photo (its thumbnail, linking to the original) or video (a player), with its name. */
export function MediaTile({ media, canDelete, deleting, onDelete }: MediaTileProps) {
  const thumbnail = useThumbnail(media.thumbnail_url ?? undefined, media.url);
  const isVideo = media.content_type.startsWith('video/');
  return (
    <li>
      <figure>
        {isVideo ? (
          <video src={media.url} controls preload="metadata" aria-label={media.file_name} />
        ) : (
          <a href={media.url} target="_blank" rel="noreferrer">
            <img src={thumbnail.src} alt={media.file_name} loading="lazy" onError={thumbnail.onError} />
          </a>
        )}
        <figcaption>
          {media.file_name} <span className="visually-hidden">({formatBytes(media.size_bytes)})</span>
        </figcaption>
      </figure>
      {canDelete ? (
        <button
          type="button"
          className="button-danger button-small"
          disabled={deleting}
          onClick={() => {
            if (window.confirm(`Delete ${media.file_name}? This cannot be undone.`)) onDelete();
          }}
          aria-label={`Delete ${media.file_name}`}
        >
          Delete
        </button>
      ) : null}
    </li>
  );
}
