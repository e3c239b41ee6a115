import { useId, useRef, useState, type DragEvent } from 'react';
import type { MediaUploader } from '../upload/MediaUploader';
import { ACCEPT_ATTRIBUTE } from '../upload/mediaRules';
import { useUploadQueue } from '../upload/useUploadQueue';
import { UploadRow } from './UploadRow';

interface UploadQueueProps {
  uploader: MediaUploader;
  /** Called after each file is stored (to refresh the gallery). */
  onUploaded?: () => void;
  /** Why uploading is not possible right now, shown instead of the drop zone. */
  disabledReason?: string;
}

/** Drag-and-drop or pick several photos and videos; each shows its progress or why it was refused. */
export function UploadQueue({ uploader, onUploaded, disabledReason }: UploadQueueProps) {
  const inputId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const { items, addFiles, clearFinished } = useUploadQueue(uploader, onUploaded);
  const disabled = Boolean(disabledReason);

  function onDrop(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    setDragging(false);
    if (disabled) return;
    addFiles(Array.from(event.dataTransfer.files));
  }

  const finished = items.some((item) => item.status !== 'uploading' && item.status !== 'waiting');

  return (
    <section className="upload" aria-label="Add photos and videos">
      <div
        className={`drop-zone${dragging ? ' drop-zone-active' : ''}${disabled ? ' drop-zone-disabled' : ''}`}
        data-testid="drop-zone"
        onDragOver={(event) => {
          event.preventDefault();
          if (!disabled) setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <p>Drag photos and videos here, or</p>
        <label htmlFor={inputId} className={`button${disabled ? ' button-disabled' : ''}`}>
          Choose files
        </label>
        <input
          id={inputId}
          ref={input}
          className="visually-hidden"
          type="file"
          multiple
          accept={ACCEPT_ATTRIBUTE}
          disabled={disabled}
          onChange={(event) => {
            addFiles(Array.from(event.target.files ?? []));
            event.target.value = '';
          }}
        />
        <p className="hint">JPEG, PNG, GIF, WebP up to 50 MB; MP4 and MOV videos up to 500 MB.</p>
        {disabledReason ? <p className="notice">{disabledReason}</p> : null}
      </div>
      {items.length > 0 ? (
        <>
          <ul className="upload-list" aria-live="polite">
            {items.map((item) => (
              <UploadRow key={item.id} item={item} />
            ))}
          </ul>
          {finished ? (
            <button type="button" className="button-secondary" onClick={clearFinished}>
              Clear finished
            </button>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
