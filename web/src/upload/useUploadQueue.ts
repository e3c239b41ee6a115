import { useCallback, useReducer, useRef } from 'react';
import { errorMessage } from '../api/ApiError';
import type { MediaUploader } from './MediaUploader';
import { refusalReason } from './mediaRules';

/** One file in the queue and how far it got. */
export interface QueueItem {
  id: number;
  name: string;
  size: number;
  status: 'waiting' | 'uploading' | 'done' | 'refused' | 'failed';
  /** 0..1 while uploading. */
  progress: number;
  /** Why it was refused or failed. */
  message?: string;
}

/** Files sent at the same time; the rest wait their turn (a dropped folder of 200 photos must not open 200 requests). */
export const PARALLEL_UPLOADS = 3;

type Action =
  | { type: 'add'; items: QueueItem[] }
  | { type: 'start'; id: number }
  | { type: 'progress'; id: number; progress: number }
  | { type: 'done'; id: number }
  | { type: 'failed'; id: number; message: string }
  | { type: 'clear-finished' };

function update(items: QueueItem[], id: number, change: Partial<QueueItem>): QueueItem[] {
  return items.map((item) => (item.id === id ? { ...item, ...change } : item));
}

function reducer(items: QueueItem[], action: Action): QueueItem[] {
  switch (action.type) {
    case 'add':
      return [...items, ...action.items];
    case 'start':
      return update(items, action.id, { status: 'uploading' });
    case 'progress':
      return update(items, action.id, { progress: action.progress });
    case 'done':
      return update(items, action.id, { status: 'done', progress: 1 });
    case 'failed':
      return update(items, action.id, { status: 'failed', message: action.message });
    case 'clear-finished':
      return items.filter((item) => item.status === 'uploading' || item.status === 'waiting');
  }
}

/**
 * A queue of uploads: accepted files are sent a few at a time, each
 * reporting its progress; refused files stay in the list with the reason.
 */
export function useUploadQueue(uploader: MediaUploader, onUploaded?: () => void) {
  const [items, dispatch] = useReducer(reducer, []);
  const nextId = useRef(1);
  const waiting = useRef<Array<{ id: number; file: File }>>([]);
  const running = useRef(0);

  const pump = useCallback(() => {
    while (running.current < PARALLEL_UPLOADS && waiting.current.length > 0) {
      const { id, file } = waiting.current.shift()!;
      running.current += 1;
      dispatch({ type: 'start', id });
      uploader
        .upload(file, (progress) => dispatch({ type: 'progress', id, progress }))
        .then(() => {
          dispatch({ type: 'done', id });
          onUploaded?.();
        })
        .catch((error: unknown) => dispatch({ type: 'failed', id, message: errorMessage(error) }))
        .finally(() => {
          running.current -= 1;
          pump();
        });
    }
  }, [uploader, onUploaded]);

  const addFiles = useCallback(
    (files: Iterable<File>) => {
      const added: QueueItem[] = [];
      for (const file of files) {
        const id = nextId.current++;
        const reason = refusalReason(file);
        if (reason) {
          added.push({ id, name: file.name, size: file.size, status: 'refused', progress: 0, message: reason });
        } else {
          added.push({ id, name: file.name, size: file.size, status: 'waiting', progress: 0 });
          waiting.current.push({ id, file });
        }
      }
      dispatch({ type: 'add', items: added });
      pump();
    },
    [pump],
  );

  const clearFinished = useCallback(() => dispatch({ type: 'clear-finished' }), []);

  return { items, addFiles, clearFinished };
}
