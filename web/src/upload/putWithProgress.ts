/**
 * Sends a file to a (presigned) URL with the given method (PUT) and exactly
 * the given headers, reporting upload progress. `fetch` cannot report upload
 * progress, XMLHttpRequest can.
 */
export function putWithProgress(
  method: string,
  url: string,
  headers: Record<string, string>,
  file: Blob,
  onProgress: (fraction: number) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open(method, url);
    // Never send cookies to another origin (S3); same-origin uploads (local media store) send them anyway.
    request.withCredentials = false;
    for (const [name, value] of Object.entries(headers)) request.setRequestHeader(name, value);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    request.onload = () => {
      if (request.status >= 200 && request.status < 300) {
        onProgress(1);
        resolve();
      } else {
        reject(new Error(uploadFailureMessage(request)));
      }
    };
    request.onerror = () => reject(new Error('The upload was interrupted. Check your connection and try again.'));
    request.onabort = () => reject(new Error('The upload was cancelled.'));
    request.send(file);
  });
}

/** The server's `{"error": {"message"}}` when there is one, otherwise a plain sentence. */
function uploadFailureMessage(request: XMLHttpRequest): string {
  try {
    const body = JSON.parse(request.responseText) as { error?: { message?: string } };
    if (body.error?.message) return body.error.message;
  } catch {
    // Not JSON (S3 answers XML): fall through.
  }
  return `The storage refused the file (status ${request.status}).`;
}
