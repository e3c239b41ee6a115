import type { QueueItem } from '../upload/useUploadQueue';
import { formatBytes } from '../format';

function statusText(item: QueueItem): string {
  switch (item.status) {
    case 'waiting':
      return 'Waiting…';
    case 'uploading':
      return `Uploading… ${Math.round(item.progress * 100)}%`;
    case 'done':
      return 'Uploaded';
    case 'refused':
    case 'failed':
      return item.message ?? 'Could not upload this file.';
  }
}

/** One file of the upload queue: name, size, progress bar, outcome. */
export function UploadRow({ item }: { item: QueueItem }) {
  const failed = item.status === 'refused' || item.status === 'failed';
  return (
    <li className={`upload-item upload-${item.status}`}>
      <span className="upload-name">
        {item.name} <span className="meta">({formatBytes(item.size)})</span>
      </span>
      {item.status === 'waiting' || item.status === 'uploading' || item.status === 'done' ? (
        <progress max={1} value={item.progress} aria-label={`Upload progress of ${item.name}`} />
      ) : null}
      <span className={failed ? 'error-text' : 'meta'} role={failed ? 'alert' : undefined}>
        {statusText(item)}
      </span>
    </li>
  );
}
