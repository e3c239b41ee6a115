import { describe, expect, test } from 'vitest';
import { renderMarkdown } from './renderMarkdown';

describe('renderMarkdown', () => {
  test('renders headings, emphasis, lists and links', () => {
    const html = renderMarkdown('# Gran\n\nShe loved **roses** and *tea*.\n\n- one\n- two\n\n[photos](https://example.com/a)');
    expect(html).toContain('<h1>Gran</h1>');
    expect(html).toContain('<strong>roses</strong>');
    expect(html).toContain('<em>tea</em>');
    expect(html).toContain('<li>one</li>');
    expect(html).toContain('<a href="https://example.com/a">photos</a>');
  });

  test('strips script tags and their content', () => {
    const html = renderMarkdown('Hello <script>alert("x")</script> world');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('alert');
    expect(html).toContain('Hello');
  });

  test('strips javascript: links written in Markdown', () => {
    const html = renderMarkdown('[click me](javascript:alert(1))');
    expect(html.toLowerCase()).not.toContain('javascript:');
    expect(html).toContain('click me');
  });

  test('strips javascript: links and event handlers written as HTML', () => {
    const html = renderMarkdown('<a href="JaVaScRiPt:alert(1)" onclick="alert(2)">x</a><img src="x.png" onerror="alert(3)">');
    expect(html.toLowerCase()).not.toContain('javascript:');
    expect(html).not.toContain('onclick');
    expect(html).not.toContain('onerror');
  });

  test('keeps only allow-listed tags and attributes', () => {
    const html = renderMarkdown(
      '<iframe src="https://evil.example"></iframe><style>p{}</style><p class="x" style="color:red" data-x="1">kept</p><h4>small</h4>',
    );
    expect(html).not.toContain('<iframe');
    expect(html).not.toContain('<style');
    expect(html).not.toContain('class=');
    expect(html).not.toContain('style=');
    expect(html).not.toContain('data-x');
    expect(html).not.toContain('<h4');
    expect(html).toContain('<p>kept</p>');
    expect(html).toContain('small');
  });

  test('keeps images with alt text', () => {
    const html = renderMarkdown('![Gran in 1960](/media/gran.jpg "Summer")');
    expect(html).toContain('<img src="/media/gran.jpg" alt="Gran in 1960" title="Summer">');
  });
});
