import { createParser } from 'eventsource-parser';
import { ApiError } from './ApiError';
import type { ChatEvent } from './types';

/** A question to the companion. */
export interface Ask {
  legacyId: string;
  /** The conversation to continue; omitted to start a new one. */
  conversationId?: string;
  question: string;
}

/**
 * How an answer's stream ended: `done` (complete and stored), `error` (the
 * server sent an `error` event), `stopped` (the caller aborted), `cut` (the
 * connection closed before `done` or `error`).
 */
export type StreamEnd = 'done' | 'error' | 'stopped' | 'cut';

const EVENT_TYPES = new Set(['start', 'delta', 'citation', 'done', 'error']);

/** `Retry-After` in seconds (a number or an HTTP date), if usable. */
function retryAfterSeconds(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** The refusal of a question before its answer started (4xx/5xx with the error body). */
async function refusal(response: Response): Promise<ApiError> {
  let detail: { code?: string; message?: string; details?: unknown } | undefined;
  try {
    detail = ((await response.json()) as { error?: typeof detail })?.error;
  } catch {
    detail = undefined;
  }
  const retryAfter = retryAfterSeconds(response.headers.get('Retry-After'));
  const details =
    retryAfter === undefined
      ? detail?.details
      : { ...(typeof detail?.details === 'object' && detail?.details ? detail.details : {}), retry_after_seconds: retryAfter };
  return new ApiError(
    response.status,
    detail?.code ?? 'HTTP_' + response.status,
    detail?.message ?? `The server answered ${response.status}.`,
    details,
  );
}

/**
 * Asks the companion and calls `onEvent` for each Server-Sent Event of the
 * answer as it arrives (`start`, `delta`, `citation`, then `done` or
 * `error`). `EventSource` cannot POST, so the stream is read from `fetch`
 * and parsed by `eventsource-parser`. Aborting `signal` closes the
 * connection, which makes the server stop the model. Throws an `ApiError`
 * when the question is refused before the answer starts (429 with the
 * `Retry-After` seconds in `details.retry_after_seconds`, 503, …).
 */
export async function streamChat(ask: Ask, onEvent: (event: ChatEvent) => void, signal: AbortSignal): Promise<StreamEnd> {
  let response: Response;
  try {
    response = await globalThis.fetch(`${globalThis.location?.origin ?? ''}/api/chat/stream`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'text/event-stream',
        // The server's CSRF rule for state-changing requests.
        'X-Requested-With': 'mosaic',
      },
      body: JSON.stringify({
        legacy_id: ask.legacyId,
        question: ask.question,
        ...(ask.conversationId ? { conversation_id: ask.conversationId } : {}),
      }),
      signal,
    });
  } catch (error) {
    if (signal.aborted) return 'stopped';
    throw new ApiError(0, 'NETWORK', 'Could not reach Mosaic Life. Check your connection and try again.', error);
  }
  if (!response.ok) throw await refusal(response);
  if (!response.body) throw new ApiError(0, 'PROTOCOL', 'The answer could not be read.');

  let end: StreamEnd | undefined;
  let broken: ApiError | undefined;
  const parser = createParser({
    onEvent(message) {
      if (end || broken || !message.event || !EVENT_TYPES.has(message.event)) return;
      let event: ChatEvent;
      try {
        event = JSON.parse(message.data) as ChatEvent;
      } catch {
        broken = new ApiError(0, 'PROTOCOL', 'The answer could not be read.');
        return;
      }
      if (event.type !== message.event) return;
      onEvent(event);
      if (event.type === 'done') end = 'done';
      if (event.type === 'error') end = 'error';
    },
  });

  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  try {
    while (!end && !broken) {
      const { done, value } = await reader.read();
      if (done) {
        parser.feed(decoder.decode());
        parser.reset({ consume: true });
        break;
      }
      parser.feed(decoder.decode(value, { stream: true }));
    }
  } catch (error) {
    if (signal.aborted) return 'stopped';
    if (end) return end;
    throw new ApiError(0, 'NETWORK', 'The connection was lost while the answer was coming in.', error);
  } finally {
    // After `done`/`error` nothing follows; let go of the connection.
    reader.cancel().catch(() => undefined);
  }
  if (broken) throw broken;
  if (end) return end;
  return signal.aborted ? 'stopped' : 'cut';
}
