import type { Visibility } from '../api/types';

/** What the editor keeps in the browser so nothing typed is lost on a closed tab. */
export interface StoryDraft {
  title: string;
  content: string;
  visibility: Visibility;
  /** When it was last written (RFC 3339). */
  savedAt: string;
}

const PREFIX = 'mosaic:story-draft:';

/** The localStorage key of one person's draft for a new story of a legacy, or for edits of a story. */
export function draftKey(userId: string, scope: { legacyId: string } | { storyId: string }): string {
  return 'storyId' in scope ? `${PREFIX}${userId}:story:${scope.storyId}` : `${PREFIX}${userId}:new:${scope.legacyId}`;
}

/** The saved draft, or `null` when there is none (or it cannot be read). */
export function loadDraft(key: string): StoryDraft | null {
  try {
    const raw = localStorage.getItem(key);
    if (!raw) return null;
    const draft = JSON.parse(raw) as Partial<StoryDraft>;
    if (typeof draft.title !== 'string' || typeof draft.content !== 'string' || typeof draft.savedAt !== 'string') return null;
    const visibility = draft.visibility === 'public' || draft.visibility === 'personal' ? draft.visibility : 'private';
    return { title: draft.title, content: draft.content, visibility, savedAt: draft.savedAt };
  } catch {
    return null;
  }
}

/** Writes the draft; answers false when the browser refused (storage full or disabled). */
export function saveDraft(key: string, draft: StoryDraft): boolean {
  try {
    localStorage.setItem(key, JSON.stringify(draft));
    return true;
  } catch {
    return false;
  }
}

/** Forgets the draft (after it was saved to the server, or discarded). */
export function clearDraft(key: string): void {
  try {
    localStorage.removeItem(key);
  } catch {
    // Nothing to do: storage is unavailable, so there is no draft either.
  }
}
