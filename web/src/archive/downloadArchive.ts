import { ApiError } from '../api/ApiError';

/** How far a download has come: bytes received so far. */
export type DownloadProgress = (receivedBytes: number) => void;

/**
 * Fetches an archive the server streams (`GET /api/export`,
 * `GET /api/legacies/{id}/export`), reporting the bytes received, and hands
 * it to the browser to save under the server's file name.
 *
 * A plain link would also download, but an error (429, a cut-off stream)
 * would then be saved as a file or shown as raw JSON; reading the response
 * here lets the page say what happened in plain words.
 */
export async function downloadArchive(url: string, onProgress: DownloadProgress, signal?: AbortSignal): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, { credentials: 'same-origin', signal });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError(0, 'NETWORK', 'Could not reach Mosaic Life. Check your connection and try again.');
  }
  if (!response.ok) throw await responseError(response);

  const chunks: Uint8Array[] = [];
  let received = 0;
  onProgress(0);
  if (response.body) {
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        received += value.byteLength;
        onProgress(received);
      }
    } catch (error) {
      if (signal?.aborted) throw error;
      // The server ends the stream early when it cannot finish the archive.
      throw new ApiError(0, 'DOWNLOAD_INTERRUPTED', 'The download stopped before the end, so the file would be incomplete. Please try again.');
    }
  }
  const fileName = fileNameOf(response.headers.get('Content-Disposition')) ?? 'mosaic-life.zip';
  saveBlob(new Blob(chunks as BlobPart[], { type: 'application/zip' }), fileName);
  return fileName;
}

/** The `filename="…"` of a Content-Disposition header. */
export function fileNameOf(disposition: string | null): string | undefined {
  const match = disposition?.match(/filename="([^"]+)"/);
  return match?.[1];
}

async function responseError(response: Response): Promise<ApiError> {
  let code = `HTTP_${response.status}`;
  let message = `The server answered ${response.status}.`;
  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string } };
    code = body.error?.code ?? code;
    message = body.error?.message ?? message;
  } catch {
    // Not the error body: keep the plain sentence.
  }
  return new ApiError(response.status, code, message);
}

function saveBlob(blob: Blob, fileName: string) {
  const href = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = href;
  link.download = fileName;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  // Give the browser a moment to start saving before the URL is revoked.
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
}
