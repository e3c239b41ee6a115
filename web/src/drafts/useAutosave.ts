import { useEffect, useRef, useState } from 'react';
import type { Visibility } from '../api/types';
import { saveDraft } from './storyDraft';

interface Fields {
  title: string;
  content: string;
  visibility: Visibility;
}

const DELAY_MS = 400;

/**
 * Saves the editor's fields to the browser shortly after each change, and at
 * once when the tab is hidden or closed. `dirty` false means there is nothing
 * worth keeping (unchanged from what the server has). Returns when the last
 * save happened, or `null`.
 */
export function useAutosave(key: string, fields: Fields, dirty: boolean): Date | null {
  const [savedAt, setSavedAt] = useState<Date | null>(null);
  const latest = useRef({ fields, dirty });
  latest.current = { fields, dirty };

  useEffect(() => {
    function flush() {
      if (!latest.current.dirty) return;
      const now = new Date();
      if (saveDraft(key, { ...latest.current.fields, savedAt: now.toISOString() })) setSavedAt(now);
    }
    const timer = window.setTimeout(flush, DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [key, fields.title, fields.content, fields.visibility, dirty]);

  useEffect(() => {
    function flushNow() {
      if (latest.current.dirty) saveDraft(key, { ...latest.current.fields, savedAt: new Date().toISOString() });
    }
    window.addEventListener('pagehide', flushNow);
    document.addEventListener('visibilitychange', flushNow);
    return () => {
      window.removeEventListener('pagehide', flushNow);
      document.removeEventListener('visibilitychange', flushNow);
    };
  }, [key]);

  return savedAt;
}
