import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';

// WCAG 2.1 AA: text needs 4.5:1 against its background, focus indicators and
// control borders 3:1. The colours are read from styles.css so this fails
// when someone changes a colour to one that is too faint.
const css = readFileSync(path.join(__dirname, 'styles.css'), 'utf8');

function variable(name: string): string {
  const match = css.match(new RegExp(`--${name}:\\s*(#[0-9a-fA-F]{6})`));
  if (!match?.[1]) throw new Error(`--${name} is not a #rrggbb colour in styles.css`);
  return match[1];
}

function luminance(hex: string): number {
  const channels = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  const [r, g, b] = channels.map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

describe('colour contrast (WCAG 2.1 AA)', () => {
  test.each([
    ['text', 'bg'],
    ['text', 'surface'],
    ['muted', 'bg'],
    ['muted', 'surface'],
    ['primary', 'bg'],
    ['primary', 'surface'],
    ['danger', 'surface'],
    ['public-fg', 'public-bg'],
    ['private-fg', 'private-bg'],
    ['personal-fg', 'personal-bg'],
    ['pending-fg', 'pending-bg'],
  ])('text --%s on --%s is at least 4.5:1', (fg, bg) => {
    expect(contrast(variable(fg), variable(bg))).toBeGreaterThanOrEqual(4.5);
  });

  test('white text on primary buttons is at least 4.5:1', () => {
    expect(contrast('#ffffff', variable('primary'))).toBeGreaterThanOrEqual(4.5);
    expect(contrast('#ffffff', variable('primary-dark'))).toBeGreaterThanOrEqual(4.5);
  });

  test('the focus outline stands out 3:1 from the page', () => {
    expect(contrast(variable('focus'), variable('bg'))).toBeGreaterThanOrEqual(3);
    expect(contrast(variable('focus'), variable('surface'))).toBeGreaterThanOrEqual(3);
  });
});
