import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';

import { fileNameOf } from '../archive/downloadArchive';
import { ArchiveDownloadButton } from './ArchiveDownloadButton';

const fetchMock = vi.fn();
const saved: { name: string; size: number }[] = [];

/** A ZIP-like body delivered in the given chunks, then optionally broken off. */
function streamed(chunks: Uint8Array[], breakOff = false): ReadableStream<Uint8Array> {
  return new ReadableStream({
    pull(controller) {
      const next = chunks.shift();
      if (next) controller.enqueue(next);
      else if (breakOff) controller.error(new Error('connection reset'));
      else controller.close();
    },
  });
}

describe('ArchiveDownloadButton', () => {
  beforeEach(() => {
    fetchMock.mockReset();
    saved.length = 0;
    vi.stubGlobal('fetch', fetchMock);
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL: (blob: Blob) => `blob:${blob.size}`, revokeObjectURL: () => {} }));
    // Record what would be saved instead of navigating the test page.
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      saved.push({ name: this.download, size: Number(this.href.split(':').pop()) });
    });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  test('saves the streamed archive under the server’s file name and says where it went', async () => {
    fetchMock.mockResolvedValue(
      new Response(streamed([new Uint8Array(1500), new Uint8Array(2500)]), {
        status: 200,
        headers: { 'Content-Type': 'application/zip', 'Content-Disposition': 'attachment; filename="mosaic-life-gran-2026-12-02.zip"' },
      }),
    );
    const user = userEvent.setup();
    render(<ArchiveDownloadButton url="/api/legacies/abc/export" label="Download this legacy" />);
    await user.click(screen.getByRole('button', { name: 'Download this legacy' }));

    await screen.findByText(/Saved as mosaic-life-gran-2026-12-02\.zip/);
    expect(fetchMock).toHaveBeenCalledWith('/api/legacies/abc/export', expect.objectContaining({ credentials: 'same-origin' }));
    expect(saved).toEqual([{ name: 'mosaic-life-gran-2026-12-02.zip', size: 4000 }]);
  });

  test('shows the server’s message when the download is refused, and saves nothing', async () => {
    fetchMock.mockResolvedValue(
      new Response(JSON.stringify({ error: { code: 'TOO_MANY_REQUESTS', message: 'Too many archives this hour; try again in 12 minutes.' } }), {
        status: 429,
        headers: { 'Content-Type': 'application/json' },
      }),
    );
    const user = userEvent.setup();
    render(<ArchiveDownloadButton url="/api/export" label="Download all my stories" />);
    await user.click(screen.getByRole('button', { name: 'Download all my stories' }));

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The archive could not be downloaded.');
    expect(alert).toHaveTextContent('Too many archives this hour; try again in 12 minutes.');
    expect(saved).toEqual([]);
  });

  test('a stream cut off before the end is an error, never a saved partial file', async () => {
    fetchMock.mockResolvedValue(
      new Response(streamed([new Uint8Array(100)], true), { status: 200, headers: { 'Content-Type': 'application/zip' } }),
    );
    const user = userEvent.setup();
    render(<ArchiveDownloadButton url="/api/export" label="Download all my stories" />);
    await user.click(screen.getByRole('button', { name: 'Download all my stories' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('The download stopped before the end');
    expect(saved).toEqual([]);
  });

  test('reads the file name out of Content-Disposition', () => {
    expect(fileNameOf('attachment; filename="mosaic-life-jane-2026-01-01.zip"')).toBe('mosaic-life-jane-2026-01-01.zip');
    expect(fileNameOf(null)).toBeUndefined();
    expect(fileNameOf('inline')).toBeUndefined();
  });
});
