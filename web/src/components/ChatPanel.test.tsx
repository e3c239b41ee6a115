import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router-dom';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { Legacy } from '../api/types';
import { controlledStream, sseEvent, sseResponse } from '../test/sse';
import { ChatPanel } from './ChatPanel';

const legacy = { id: 'leg-1', name: 'Jane Doe', my_role: 'member' } as Legacy;
const fetchMock = vi.fn();
let streams: ReturnType<typeof controlledStream>[] = [];
let status = { enabled: true, model: 'scripted', messages_per_day: 100 };
let streamAnswer: ((init: RequestInit) => Response) | null = null;
let conversations: unknown[] = [];
let detail: unknown = null;

function json(code: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status: code, headers: { 'Content-Type': 'application/json', ...headers } });
}

function Where() {
  const location = useLocation();
  return <p data-testid="where">{location.search}</p>;
}

function renderPanel(url = '/legacies/leg-1?tab=ask') {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={[url]}>
        <Routes>
          <Route
            path="/legacies/:legacyId"
            element={
              <>
                <ChatPanel legacy={legacy} />
                <Where />
              </>
            }
          />
          <Route path="/stories/:id" element={<p>Story page</p>} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

describe('ChatPanel', () => {
  beforeEach(() => {
    streams = [];
    status = { enabled: true, model: 'scripted', messages_per_day: 100 };
    conversations = [];
    detail = null;
    streamAnswer = null;
    fetchMock.mockReset();
    fetchMock.mockImplementation(async (input: Request | string, init?: RequestInit) => {
      const url = typeof input === 'string' ? input : input.url;
      if (url.endsWith('/api/chat/status')) return json(200, status);
      if (url.includes('/api/chat/conversations?')) return json(200, { items: conversations, next_cursor: null });
      if (url.includes('/api/chat/conversations/')) return detail ? json(200, detail) : json(404, { error: { code: 'NOT_FOUND', message: 'not found' } });
      if (url.endsWith('/api/chat/stream')) {
        if (streamAnswer) return streamAnswer(init ?? {});
        const stream = controlledStream(init?.signal);
        streams.push(stream);
        return sseResponse(stream.body);
      }
      return json(404, { error: { code: 'NOT_FOUND', message: url } });
    });
    vi.stubGlobal('fetch', fetchMock);
  });
  afterEach(() => vi.unstubAllGlobals());

  test('streams the answer in, links the checked citation, announces when it is done', async () => {
    const user = userEvent.setup();
    renderPanel();
    const box = await screen.findByLabelText('Your question about Jane Doe');
    await user.type(box, 'What did she cook on Sundays?{Enter}');
    await waitFor(() => expect(streams).toHaveLength(1));
    const stream = streams[0]!;
    expect(screen.getByRole('button', { name: 'Stop' })).toBeInTheDocument();
    stream.push(sseEvent('start', { conversation_id: 'conv-1', title: 'What did she cook on Sundays?', passages: 1 }));
    stream.push(sseEvent('delta', { text: 'She made **pierogi**' }));
    const live = await screen.findByText('pierogi');
    const region = live.closest('[aria-live]')!;
    expect(region).toHaveAttribute('aria-live', 'polite');
    expect(region).toHaveAttribute('aria-busy', 'true');
    stream.push(sseEvent('delta', { text: ' every Sunday [1].' }));
    await screen.findByText(/every Sunday/);
    // The citation arrives after the text that uses it.
    expect(within(region as HTMLElement).queryByRole('link')).toBeNull();
    stream.push(sseEvent('citation', { n: 1, story_id: 'story-1', title: 'Sunday kitchen' }));
    expect(await screen.findByRole('link', { name: 'Source 1: Sunday kitchen' })).toHaveAttribute('href', '/stories/story-1');
    // The server has stored both messages by the time `done` arrives; the refetch shows them once.
    detail = {
      conversation: { id: 'conv-1', legacy_id: 'leg-1', title: 'What did she cook on Sundays?', created_at: '2026-01-01T10:00:00Z', updated_at: '2026-01-01T10:00:00Z' },
      messages: [
        { id: 'msg-1', role: 'user', content: 'What did she cook on Sundays?', citations: [], created_at: '2026-01-01T10:00:00Z' },
        {
          id: 'msg-2',
          role: 'assistant',
          content: 'She made **pierogi** every Sunday [1].',
          citations: [{ n: 1, story_id: 'story-1', title: 'Sunday kitchen', available: true }],
          created_at: '2026-01-01T10:00:01Z',
        },
      ],
    };
    stream.push(sseEvent('done', { message_id: 'msg-2', conversation_id: 'conv-1', prompt_tokens: 9, completion_tokens: 6 }));
    stream.close();
    await screen.findByRole('button', { name: 'Ask' });
    expect(screen.getByRole('status')).toHaveTextContent('The answer is complete. It used 1 story.');
    await waitFor(() => expect(region).not.toBeInTheDocument());
    expect(screen.getAllByText('What did she cook on Sundays?', { selector: 'p' })).toHaveLength(1);
    expect(screen.getAllByText('pierogi')).toHaveLength(1);
    expect(screen.getByRole('status')).toHaveTextContent('The answer is complete. It used 1 story.');
    expect(screen.getByTestId('where')).toHaveTextContent('conversation=conv-1');
    expect(screen.getByRole('link', { name: 'Sunday kitchen' })).toHaveAttribute('href', '/stories/story-1');

    await user.click(screen.getByRole('link', { name: 'Source 1: Sunday kitchen' }));
    await screen.findByText('Story page');
  });

  test('Stop aborts the request and says the answer is incomplete', async () => {
    const user = userEvent.setup();
    renderPanel();
    await user.type(await screen.findByLabelText('Your question about Jane Doe'), 'Tell me everything');
    await user.click(screen.getByRole('button', { name: 'Ask' }));
    await waitFor(() => expect(streams).toHaveLength(1));
    streams[0]!.push(sseEvent('start', { conversation_id: 'conv-2', title: 'Tell me everything', passages: 3 }));
    streams[0]!.push(sseEvent('delta', { text: 'more more more' }));
    await screen.findByText('more more more');
    // The keyboard user who pressed Ask is on Stop now.
    const stop = screen.getByRole('button', { name: 'Stop' });
    expect(stop).toHaveFocus();
    await user.keyboard('{Enter}');
    await screen.findByText('You stopped this answer, so it is incomplete.');
    expect(streams[0]!.state.cancelled).toBe(true);
    expect(screen.getByRole('status')).toHaveTextContent('You stopped the answer.');
    expect(screen.getByLabelText('Your question about Jane Doe')).toHaveFocus();
  });

  test('an error event and a 429 are told in plain words', async () => {
    const user = userEvent.setup();
    renderPanel();
    const box = await screen.findByLabelText('Your question about Jane Doe');
    await user.type(box, 'First{Enter}');
    await waitFor(() => expect(streams).toHaveLength(1));
    streams[0]!.push(sseEvent('start', { conversation_id: 'conv-3', title: 'First', passages: 1 }));
    streams[0]!.push(sseEvent('error', { code: 'AI_TIMEOUT', message: 'model timeout after 30s' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('The companion took too long to answer. Please try again.');
    expect(screen.queryByText(/30s/)).toBeNull();

    streamAnswer = () =>
      json(
        429,
        { error: { code: 'AI_QUOTA_EXCEEDED', message: 'quota', details: { messages_per_day: 100, retry_after_seconds: 1200 } } },
        { 'Retry-After': '1200' },
      );
    await user.type(box, 'Second{Enter}');
    await waitFor(() =>
      expect(screen.getByRole('alert')).toHaveTextContent(
        'You have asked 100 questions today, which is the daily limit. You can ask again in about 20 minutes.',
      ),
    );
  });

  test('when the companion is off it says so and offers no question box', async () => {
    status = { enabled: false, model: null as unknown as string, messages_per_day: 100 };
    renderPanel();
    expect(await screen.findByRole('note')).toHaveTextContent('The AI companion is switched off on this site');
    expect(screen.queryByLabelText('Your question about Jane Doe')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Ask' })).toBeNull();
    expect(await screen.findByText(/No conversations yet/)).toBeInTheDocument();
  });

  test('reopens a conversation; a citation of a story no longer readable is shown unavailable', async () => {
    conversations = [
      { id: 'conv-9', legacy_id: 'leg-1', title: 'Sunday dinners', created_at: '2026-01-01T10:00:00Z', updated_at: '2026-01-01T10:00:00Z' },
    ];
    detail = {
      conversation: conversations[0],
      messages: [
        { id: 'm1', role: 'user', content: 'What did she cook?', citations: [], created_at: '2026-01-01T10:00:00Z' },
        {
          id: 'm2',
          role: 'assistant',
          content: 'Pierogi [1] and soup [2].',
          citations: [
            { n: 1, story_id: 'story-1', title: 'Sunday kitchen', available: true },
            { n: 2, story_id: null, title: null, available: false },
          ],
          created_at: '2026-01-01T10:00:01Z',
        },
      ],
    };
    const user = userEvent.setup();
    renderPanel();
    await user.click(await screen.findByRole('link', { name: 'Sunday dinners' }));
    const heading = await screen.findByRole('heading', { level: 3, name: 'Sunday dinners' });
    await waitFor(() => expect(heading).toHaveFocus());
    expect(screen.getByText('What did she cook?')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Source 1: Sunday kitchen' })).toHaveAttribute('href', '/stories/story-1');
    expect(screen.getByText(/\(story no longer available\)/)).toBeInTheDocument();
    expect(screen.getByText('A story that is no longer available to you')).toBeInTheDocument();
    expect(screen.queryAllByRole('link').filter((a) => a.getAttribute('href')?.includes('/stories/') && !a.getAttribute('href')?.endsWith('story-1'))).toEqual([]);
  });
});
