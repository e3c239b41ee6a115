import { describe, expect, it } from 'vitest';
import { acceptedType, refusalReason } from './mediaRules';

describe('upload rules (the same the API document declares)', () => {
  it('accepts a photo whose extension fits its type, in any letter case', () => {
    expect(refusalReason({ name: 'Garden.JPG', type: 'image/jpeg', size: 1000 })).toBeNull();
    expect(refusalReason({ name: 'clip.m4v', type: 'video/mp4', size: 1000 })).toBeNull();
  });

  it('refuses an extension that does not fit the type, naming the right ones', () => {
    expect(refusalReason({ name: 'holiday.mp4', type: 'image/png', size: 1000 })).toBe(
      'holiday.mp4 does not end in .png, as a file of its type must.',
    );
    expect(refusalReason({ name: 'noextension', type: 'image/jpeg', size: 1000 })).toContain('.jpg or .jpeg');
  });

  it('refuses other types, empty files and images over 50 MB', () => {
    expect(acceptedType('text/plain')).toBeNull();
    expect(refusalReason({ name: 'notes.txt', type: 'text/plain', size: 10 })).toContain('not a photo or video');
    expect(refusalReason({ name: 'a.png', type: 'image/png', size: 0 })).toBe('a.png is empty.');
    expect(refusalReason({ name: 'a.png', type: 'image/png', size: 50 * 1024 * 1024 + 1 })).toContain('too large');
  });
});
