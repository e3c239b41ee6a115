import { describe, expect, test } from 'vitest';
import { formatBytes, formatDate, lifeSpan } from './format';

describe('format', () => {
  test('calendar dates do not shift with the time zone', () => {
    expect(formatDate('1950-01-01')).toMatch(/1950/);
    expect(formatDate('1950-01-01')).not.toMatch(/1949/);
  });

  test('life spans say only what is known', () => {
    expect(lifeSpan('1950-01-01', '2024-01-01')).toMatch(/1950 – .*2024/);
    expect(lifeSpan('1950-01-01')).toMatch(/^Born .*1950/);
    expect(lifeSpan(undefined, '2024-01-01')).toMatch(/^Died .*2024/);
    expect(lifeSpan()).toBe('');
  });

  test('byte counts read as people expect', () => {
    expect(formatBytes(9)).toBe('9 bytes');
    expect(formatBytes(8 * 1024)).toBe('8 KB');
    expect(formatBytes(60 * 1024 * 1024)).toBe('60.0 MB');
  });
});
