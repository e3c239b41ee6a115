/** Test helpers: a Server-Sent Events body the test feeds piece by piece. */

/** One SSE event as the server writes it (`event:` name, JSON `data:`). */
export function sseEvent(type: string, body: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...body })}\n\n`;
}

/**
 * A streamed body under the test's control: `push` sends bytes, `close`
 * ends it; aborting the request's signal errors the stream as a browser
 * does. `cancelled` tells whether the client let go of it.
 */
export function controlledStream(signal?: AbortSignal | null) {
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const state = { cancelled: false };
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    cancel() {
      state.cancelled = true;
    },
  });
  signal?.addEventListener('abort', () => {
    state.cancelled = true;
    try {
      controller.error(new DOMException('The operation was aborted.', 'AbortError'));
    } catch {
      // already closed
    }
  });
  return {
    body,
    state,
    push(text: string | Uint8Array) {
      controller.enqueue(typeof text === 'string' ? encoder.encode(text) : text);
    },
    close() {
      controller.close();
    },
  };
}

export function sseResponse(body: ReadableStream<Uint8Array>): Response {
  return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
}
