import { useCallback, useReducer, useRef } from 'react';
import { errorMessage } from '../api/ApiError';
import type { MediaUploader } from './MediaUploader';
import { refusalReason } from './mediaRules';

/** One file in the queue and how far it got. */
export interface QueueItem {
  id: number;
  name: string;
  size: number;
  status: 'uploading' | 'done' | 'refused' | 'failed';
  /** 0..1 while uploading. */
  progress: number;
  /** Why it was refused or failed. */
  message?: string;
}

type Action =
  | { type: 'add'; items: QueueItem[] }
  | { type: 'progress'; id: number; progress: number }
  | { type: 'done'; id: number }
  | { type: 'failed'; id: number; message: string }
  | { type: 'clear-finished' };

function reducer(items: QueueItem[], action: Action): QueueItem[] {
  switch (action.type) {
    case 'add':
      return [...items, ...action.items];
    case 'progress':
      return items.map((item) => (item.id === action.id ? { ...item, progress: action.progress } : item));
    case 'done':
      return items.map((item) => (item.id === action.id ? { ...item, status: 'done', progress: 1 } : item));
    case 'failed':
      return items.map((item) => (item.id === action.id ? { ...item, status: 'failed', message: action.message } : item));
    case 'clear-finished':
      return items.filter((item) => item.status === 'uploading');
  }
}

/**
 * A queue of uploads: every accepted file starts at once and reports its
 * progress; refused files stay in the list with the reason.
 */
export function useUploadQueue(uploader: MediaUploader, onUploaded?: () => void) {
  const [items, dispatch] = useReducer(reducer, []);
  const nextId = useRef(1);

  const addFiles = useCallback(
    (files: Iterable<File>) => {
      const added: QueueItem[] = [];
      const toUpload: Array<{ id: number; file: File }> = [];
      for (const file of files) {
        const id = nextId.current++;
        const reason = refusalReason(file);
        if (reason) {
          added.push({ id, name: file.name, size: file.size, status: 'refused', progress: 0, message: reason });
        } else {
          added.push({ id, name: file.name, size: file.size, status: 'uploading', progress: 0 });
          toUpload.push({ id, file });
        }
      }
      dispatch({ type: 'add', items: added });
      for (const { id, file } of toUpload) {
        uploader
          .upload(file, (progress) => dispatch({ type: 'progress', id, progress }))
          .then(() => {
            dispatch({ type: 'done', id });
            onUploaded?.();
          })
          .catch((error: unknown) => dispatch({ type: 'failed', id, message: errorMessage(error) }));
      }
    },
    [uploader, onUploaded],
  );

  const clearFinished = useCallback(() => dispatch({ type: 'clear-finished' }), []);

  return { items, addFiles, clearFinished };
}
