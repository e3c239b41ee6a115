import type { components } from '../api/schema';
import { formatBytes } from '../format';

/** A type the server accepts (the `content_type` of the API's `MediaFileInput`). */
export type MediaType = components['schemas']['MediaFileInput']['content_type'];

const MB = 1024 * 1024;

/** File types the server accepts, with the largest size it takes for each. */
export const ACCEPTED_TYPES: Record<MediaType, number> = {
  'image/jpeg': 50 * MB,
  'image/png': 50 * MB,
  'image/gif': 50 * MB,
  'image/webp': 50 * MB,
  'video/mp4': 500 * MB,
  'video/quicktime': 500 * MB,
};

/** The file-name extensions the server accepts for each type (any letter case). */
const EXTENSIONS: Record<MediaType, string[]> = {
  'image/jpeg': ['jpg', 'jpeg'],
  'image/png': ['png'],
  'image/gif': ['gif'],
  'image/webp': ['webp'],
  'video/mp4': ['mp4', 'm4v'],
  'video/quicktime': ['mov', 'qt'],
};

/** `type` as one the server accepts, or `null`. */
export function acceptedType(type: string): MediaType | null {
  return Object.hasOwn(ACCEPTED_TYPES, type) ? (type as MediaType) : null;
}

/** The `accept` attribute for the file picker. */
export const ACCEPT_ATTRIBUTE = Object.keys(ACCEPTED_TYPES).join(',');

/**
 * Why a file cannot be uploaded, in words for the person, or `null` when it
 * may be. The server checks again (and checks the quota); this only spares a
 * pointless upload.
 */
export function refusalReason(file: Pick<File, 'name' | 'type' | 'size'>): string | null {
  const type = acceptedType(file.type);
  if (type === null) {
    return `${file.name} is not a photo or video we can keep (JPEG, PNG, GIF, WebP, MP4 or MOV only).`;
  }
  if (file.size === 0) {
    return `${file.name} is empty.`;
  }
  const extension = file.name.includes('.') ? file.name.split('.').pop()!.toLowerCase() : '';
  if (!EXTENSIONS[type].includes(extension)) {
    return `${file.name} does not end in .${EXTENSIONS[type].join(' or .')}, as a file of its type must.`;
  }
  const limit = ACCEPTED_TYPES[type];
  if (file.size > limit) {
    return `${file.name} is too large (${formatBytes(file.size)}; the limit is ${formatBytes(limit)}).`;
  }
  return null;
}
