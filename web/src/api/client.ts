import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';
import { ApiError } from './ApiError';

/**
 * The server refuses state-changing requests that a plain HTML form could
 * send (CSRF rule), so every mutating request carries this header.
 */
const csrfHeader: Middleware = {
  onRequest({ request }) {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      request.headers.set('X-Requested-With', 'mosaic');
    }
    return request;
  },
};

/** The typed API client, generated from bin/api/openapi.json. */
export const api = createClient<paths>({
  // Absolute, because `new Request()` outside a browser (component tests) has no base URL.
  baseUrl: `${globalThis.location?.origin ?? ''}/api`,
  credentials: 'same-origin',
  // Looked up at each call (not once at start), so tests can replace `fetch`.
  fetch: (request: Request) => globalThis.fetch(request),
});
api.use(csrfHeader);

interface ApiResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * Awaits an API call and returns its data, or throws an `ApiError` carrying
 * the server's `{"error": {"code", "message"}}` so pages can show the message.
 */
export async function unwrap<T>(call: Promise<ApiResult<T>>): Promise<T> {
  let result: ApiResult<T>;
  try {
    result = await call;
  } catch {
    throw new ApiError(0, 'NETWORK', 'Could not reach Mosaic Life. Check your connection and try again.');
  }
  if (result.response.ok) return result.data as T;
  const body = result.error as { error?: { code?: string; message?: string; details?: unknown } } | undefined;
  const detail = body?.error;
  throw new ApiError(
    result.response.status,
    detail?.code ?? 'HTTP_' + result.response.status,
    detail?.message ?? `The server answered ${result.response.status}.`,
    detail?.details,
  );
}
