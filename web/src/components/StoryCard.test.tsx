import { render, screen, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { describe, expect, test } from 'vitest';
import { StoryCard } from './StoryCard';

const story = {
  id: '123',
  title: 'Test Story',
  content: '# Heading\n\nContent with **bold** text <script>alert(1)</script>',
  created_at: '2025-01-01T00:00:00Z',
  visibility: 'private' as const,
  author_name: 'John Doe',
};

function renderCard(props: Partial<Parameters<typeof StoryCard>[0]> = {}) {
  return render(
    <MemoryRouter>
      <StoryCard story={story} {...props} />
    </MemoryRouter>,
  );
}

describe('StoryCard', () => {
  test('renders story title and author', () => {
    renderCard();
    expect(screen.getByText('Test Story')).toBeInTheDocument();
    expect(screen.getByText(/by John Doe/)).toBeInTheDocument();
    expect(screen.queryByText(/\(you\)/)).toBeNull();
  });

  test('marks the reader\'s own story', () => {
    renderCard({ isMine: true });
    expect(screen.getByText(/by John Doe \(you\)/)).toBeInTheDocument();
  });

  test('links the title to the story page', () => {
    renderCard();
    expect(screen.getByRole('link', { name: 'Test Story' })).toHaveAttribute('href', '/stories/123');
  });

  test('is an article named by its title', () => {
    renderCard();
    expect(screen.getByRole('article', { name: 'Test Story' })).toBeInTheDocument();
  });

  test.each([
    ['public', 'Public'],
    ['private', 'Family'],
    ['personal', 'Only me'],
  ] as const)('shows who can read a %s story', (visibility, label) => {
    renderCard({ story: { ...story, visibility } });
    const article = screen.getByRole('article');
    expect(within(article).getByText(label)).toBeInTheDocument();
  });

  test('renders the Markdown content, sanitized', () => {
    const { container } = renderCard();
    expect(screen.getByRole('heading', { name: 'Heading' })).toBeInTheDocument();
    expect(container.querySelector('strong')).toHaveTextContent('bold');
    expect(container.querySelector('script')).toBeNull();
  });

  test('shows when it was written', () => {
    const { container } = renderCard();
    expect(container.querySelector('time')).toHaveAttribute('dateTime', '2025-01-01T00:00:00Z');
  });
});
