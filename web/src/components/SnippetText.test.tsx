import { render } from '@testing-library/react';
import { describe, expect, test } from 'vitest';
import { SnippetText } from './SnippetText';

function marks(container: HTMLElement) {
  return Array.from(container.querySelectorAll('mark')).map((mark) => mark.textContent);
}

describe('SnippetText', () => {
  test('marks the matched ranges and keeps the rest as text', () => {
    const { container } = render(
      <SnippetText snippet={{ text: 'She loved gardening and roses.', highlights: [{ start: 10, end: 19 }, { start: 24, end: 29 }] }} />,
    );
    expect(marks(container)).toEqual(['gardening', 'roses']);
    expect(container.textContent).toBe('She loved gardening and roses.');
  });

  test('counts offsets in characters, so emoji and accents do not shift the marks', () => {
    const { container } = render(
      <SnippetText snippet={{ text: 'Ça 🌹 José 🎉 café', highlights: [{ start: 5, end: 9 }, { start: 12, end: 16 }] }} />,
    );
    expect(marks(container)).toEqual(['José', 'café']);
  });

  test('never reads story text as HTML', () => {
    const { container } = render(
      <SnippetText snippet={{ text: '<img src=x onerror=alert(1)> <b>bold</b>', highlights: [{ start: 0, end: 4 }] }} />,
    );
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('b')).toBeNull();
    expect(marks(container)).toEqual(['<img']);
    expect(container.textContent).toBe('<img src=x onerror=alert(1)> <b>bold</b>');
  });

  test('ignores ranges that overlap, run backwards or go past the end', () => {
    const { container } = render(
      <SnippetText
        snippet={{ text: 'abcdef', highlights: [{ start: 1, end: 3 }, { start: 2, end: 4 }, { start: 5, end: 4 }, { start: 5, end: 99 }] }}
      />,
    );
    expect(marks(container)).toEqual(['bc', 'd', 'f']);
    expect(container.textContent).toBe('abcdef');
  });
});
