import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { chatErrorMessage } from '../chat/chatErrors';
import { controlledStream, sseEvent, sseResponse } from '../test/sse';
import { ApiError } from './ApiError';
import { streamChat } from './chatStream';
import type { ChatEvent } from './types';

const fetchMock = vi.fn();
const ask = { legacyId: '11111111-1111-1111-1111-111111111111', question: 'What did she cook on Sundays?' };

describe('streamChat', () => {
  beforeEach(() => {
    fetchMock.mockReset();
    vi.stubGlobal('fetch', fetchMock);
  });
  afterEach(() => vi.unstubAllGlobals());

  test('posts the question with the CSRF header and parses events split anywhere, keep-alives included', async () => {
    const whole =
      ': keep-alive\n\n' +
      sseEvent('start', { conversation_id: 'c1', title: 'What did she cook', passages: 2 }) +
      sseEvent('delta', { text: 'Pierogi, ' }) +
      sseEvent('delta', { text: 'with żurek [1].' }) +
      ': keep-alive\n\n' +
      sseEvent('citation', { n: 1, story_id: 's1', title: 'Sunday kitchen' }) +
      sseEvent('done', { message_id: 'm1', conversation_id: 'c1', prompt_tokens: 10, completion_tokens: 5 });
    const bytes = new TextEncoder().encode(whole);
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        // Chunks of 5 bytes: lines, JSON and the two-byte "ż" are cut in the middle.
        for (let i = 0; i < bytes.length; i += 5) c.enqueue(bytes.slice(i, i + 5));
        c.close();
      },
    });
    fetchMock.mockResolvedValue(sseResponse(body));
    const events: ChatEvent[] = [];
    const end = await streamChat(ask, (e) => events.push(e), new AbortController().signal);

    expect(end).toBe('done');
    expect(events.map((e) => e.type)).toEqual(['start', 'delta', 'delta', 'citation', 'done']);
    const text = events.flatMap((e) => (e.type === 'delta' ? [e.text] : [])).join('');
    expect(text).toBe('Pierogi, with żurek [1].');
    expect(events[3]).toEqual({ type: 'citation', n: 1, story_id: 's1', title: 'Sunday kitchen' });

    const [url, init] = fetchMock.mock.calls[0] as [string, RequestInit];
    expect(url).toMatch(/\/api\/chat\/stream$/);
    expect(init.method).toBe('POST');
    expect(new Headers(init.headers).get('X-Requested-With')).toBe('mosaic');
    expect(JSON.parse(init.body as string)).toEqual({ legacy_id: ask.legacyId, question: ask.question });
  });

  test('continues a conversation when given one', async () => {
    const stream = controlledStream();
    fetchMock.mockResolvedValue(sseResponse(stream.body));
    stream.push(sseEvent('error', { code: 'AI_TIMEOUT', message: 'the model did not answer in time' }));
    const events: ChatEvent[] = [];
    const end = await streamChat({ ...ask, conversationId: 'c9' }, (e) => events.push(e), new AbortController().signal);
    expect(end).toBe('error');
    expect(events).toEqual([{ type: 'error', code: 'AI_TIMEOUT', message: 'the model did not answer in time' }]);
    expect(JSON.parse((fetchMock.mock.calls[0] as [string, RequestInit])[1].body as string).conversation_id).toBe('c9');
    // Nothing follows `error`: the client let go of the connection.
    expect(stream.state.cancelled).toBe(true);
  });

  test('a stream that closes before done or error is "cut"', async () => {
    const stream = controlledStream();
    fetchMock.mockResolvedValue(sseResponse(stream.body));
    stream.push(sseEvent('delta', { text: 'Half an' }));
    stream.close();
    const events: ChatEvent[] = [];
    expect(await streamChat(ask, (e) => events.push(e), new AbortController().signal)).toBe('cut');
    expect(events).toHaveLength(1);
  });

  test('aborting stops reading and closes the connection', async () => {
    const controller = new AbortController();
    let stream!: ReturnType<typeof controlledStream>;
    fetchMock.mockImplementation(async (_url: string, init: RequestInit) => {
      stream = controlledStream(init.signal);
      return sseResponse(stream.body);
    });
    const events: ChatEvent[] = [];
    const finished = streamChat(
      ask,
      (e) => {
        events.push(e);
        if (e.type === 'delta') controller.abort();
      },
      controller.signal,
    );
    await vi.waitFor(() => expect(stream).toBeDefined());
    stream.push(sseEvent('start', { conversation_id: 'c1', title: 't', passages: 1 }) + sseEvent('delta', { text: 'more ' }));
    expect(await finished).toBe('stopped');
    expect(stream.state.cancelled).toBe(true);
    expect(events.map((e) => e.type)).toEqual(['start', 'delta']);
  });

  test('429: the refusal carries Retry-After and reads as plain words', async () => {
    fetchMock.mockResolvedValue(
      new Response(
        JSON.stringify({ error: { code: 'AI_QUOTA_EXCEEDED', message: 'quota', details: { messages_per_day: 100, retry_after_seconds: 7200 } } }),
        { status: 429, headers: { 'Content-Type': 'application/json', 'Retry-After': '7200' } },
      ),
    );
    const error = await streamChat(ask, () => undefined, new AbortController().signal).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(429);
    expect((error as ApiError).details).toEqual({ messages_per_day: 100, retry_after_seconds: 7200 });
    expect(chatErrorMessage(error)).toBe('You have asked 100 questions today, which is the daily limit. You can ask again in about 2 hours.');
  });

  test.each([
    [503, 'AI_OFF', 'The companion has been switched off on this site, so it cannot answer right now. All the stories are still here.'],
    [503, 'AI_UNAVAILABLE', 'The companion cannot be reached at the moment. Please try again in a little while.'],
    [504, 'AI_TIMEOUT', 'The companion took too long to answer. Please try again.'],
    [502, 'AI_UPSTREAM_ERROR', 'The companion had a problem answering. Please try again in a little while.'],
    [401, 'UNAUTHORIZED', 'You are no longer signed in. Please sign in again to ask.'],
    [500, 'INTERNAL', 'Something went wrong on our side. Please try again in a little while.'],
  ])('%i %s is told in plain words', async (status, code, words) => {
    fetchMock.mockResolvedValue(new Response(JSON.stringify({ error: { code, message: 'technical detail' } }), { status }));
    const error = await streamChat(ask, () => undefined, new AbortController().signal).catch((e: unknown) => e);
    expect((error as ApiError).status).toBe(status);
    expect(chatErrorMessage(error)).toBe(words);
  });

  test('a network failure is an ApiError with a message to show', async () => {
    fetchMock.mockRejectedValue(new TypeError('Failed to fetch'));
    const error = await streamChat(ask, () => undefined, new AbortController().signal).catch((e: unknown) => e);
    expect(chatErrorMessage(error)).toBe('Could not reach Mosaic Life. Check your connection and try again.');
  });
});
