import { ApiError } from '../api/ApiError';

/**
 * Sends a file with the given method and exactly the given headers,
 * reporting upload progress, and resolves with the response text of a 2xx
 * answer. `fetch` cannot report upload progress, XMLHttpRequest can. Used
 * for media (a PUT to a presigned URL) and archive imports (a POST to the API).
 */
export function sendWithProgress(
  method: string,
  url: string,
  headers: Record<string, string>,
  file: Blob,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open(method, url);
    // Never send cookies to another origin (S3); same-origin requests (the API, local media) send them anyway.
    request.withCredentials = false;
    for (const [name, value] of Object.entries(headers)) request.setRequestHeader(name, value);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    request.onload = () => {
      if (request.status >= 200 && request.status < 300) {
        onProgress(1);
        resolve(request.responseText);
      } else {
        reject(failure(request));
      }
    };
    request.onerror = () => reject(new ApiError(0, 'NETWORK', 'The upload was interrupted. Check your connection and try again.'));
    request.onabort = () => reject(new ApiError(0, 'CANCELLED', 'The upload was cancelled.'));
    signal?.addEventListener('abort', () => request.abort());
    request.send(file);
  });
}

/** The server's `{"error": {"code", "message"}}` when there is one, otherwise a plain sentence. */
function failure(request: XMLHttpRequest): ApiError {
  try {
    const body = JSON.parse(request.responseText) as { error?: { code?: string; message?: string } };
    if (body.error?.message) return new ApiError(request.status, body.error.code ?? `HTTP_${request.status}`, body.error.message);
  } catch {
    // Not JSON (S3 answers XML): fall through.
  }
  return new ApiError(request.status, `HTTP_${request.status}`, `The file was refused (status ${request.status}).`);
}
