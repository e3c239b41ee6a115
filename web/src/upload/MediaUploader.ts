/**
 * Sends one file to the server. Implemented over the media API (presign,
 * PUT, register) and by fakes in component tests.
 */
export interface MediaUploader {
  /**
   * Uploads `file`, calling `onProgress` with a fraction between 0 and 1 as
   * bytes leave. Resolves when the file is stored and registered; rejects with
   * an `Error` whose message can be shown (for example "quota exceeded").
   */
  upload(file: File, onProgress: (fraction: number) => void): Promise<void>;
}
