import type { Visibility } from './api/types';

/** How each visibility is named and explained to people, in plain words. */
export const VISIBILITY_INFO: Record<Visibility, { label: string; explanation: string }> = {
  public: {
    label: 'Public',
    explanation: 'Anyone with the link can read it, even without signing in.',
  },
  private: {
    label: 'Family',
    explanation: 'Only approved members of this legacy can read it.',
  },
  personal: {
    label: 'Only me',
    explanation: 'Only you can read it. Nobody else, not even the family, will see it.',
  },
};

/** The choices in the order they are offered. */
export const VISIBILITIES: Visibility[] = ['private', 'public', 'personal'];
