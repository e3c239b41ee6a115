import { formatBytes } from '../format';

const MB = 1024 * 1024;

/** File types the server accepts, with the largest size it takes for each. */
export const ACCEPTED_TYPES: Record<string, number> = {
  'image/jpeg': 50 * MB,
  'image/png': 50 * MB,
  'image/gif': 50 * MB,
  'image/webp': 50 * MB,
  'video/mp4': 500 * MB,
  'video/quicktime': 500 * MB,
};

/** The `accept` attribute for the file picker. */
export const ACCEPT_ATTRIBUTE = Object.keys(ACCEPTED_TYPES).join(',');

/**
 * Why a file cannot be uploaded, in words for the person, or `null` when it
 * may be. The server checks again (and checks the quota); this only spares a
 * pointless upload.
 */
export function refusalReason(file: Pick<File, 'name' | 'type' | 'size'>): string | null {
  const limit = ACCEPTED_TYPES[file.type];
  if (limit === undefined) {
    return `${file.name} is not a photo or video we can keep (JPEG, PNG, GIF, WebP, MP4 or MOV only).`;
  }
  if (file.size === 0) {
    return `${file.name} is empty.`;
  }
  if (file.size > limit) {
    return `${file.name} is too large (${formatBytes(file.size)}; the limit is ${formatBytes(limit)}).`;
  }
  return null;
}
