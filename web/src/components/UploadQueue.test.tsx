import { act, fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, test, vi } from 'vitest';
import type { MediaUploader } from '../upload/MediaUploader';
import { UploadQueue } from './UploadQueue';

/** An uploader the test drives by hand: each upload waits until told to finish. */
function manualUploader() {
  const pending = new Map<string, { progress: (f: number) => void; resolve: () => void; reject: (e: Error) => void }>();
  const uploader: MediaUploader = {
    upload: (file, onProgress) =>
      new Promise<void>((resolve, reject) => {
        pending.set(file.name, { progress: onProgress, resolve, reject });
      }),
  };
  return { uploader, pending };
}

function file(name: string, type: string, size = 1024): File {
  const f = new File(['x'], name, { type });
  Object.defineProperty(f, 'size', { value: size });
  return f;
}

describe('UploadQueue', () => {
  test('uploads several picked files at once, each with its own progress bar', async () => {
    const user = userEvent.setup();
    const { uploader, pending } = manualUploader();
    const onUploaded = vi.fn();
    render(<UploadQueue uploader={uploader} onUploaded={onUploaded} />);

    await user.upload(screen.getByLabelText('Choose files'), [file('a.jpg', 'image/jpeg'), file('b.mp4', 'video/mp4')]);

    expect(pending.size).toBe(2);
    const barA = screen.getByRole('progressbar', { name: 'Upload progress of a.jpg' });
    const barB = screen.getByRole('progressbar', { name: 'Upload progress of b.mp4' });
    expect(barA).toHaveAttribute('value', '0');

    act(() => pending.get('a.jpg')!.progress(0.5));
    expect(barA).toHaveAttribute('value', '0.5');
    expect(screen.getByText('Uploading… 50%')).toBeInTheDocument();
    expect(barB).toHaveAttribute('value', '0');

    await act(async () => pending.get('a.jpg')!.resolve());
    expect(screen.getByText('Uploaded')).toBeInTheDocument();
    expect(onUploaded).toHaveBeenCalledTimes(1);
  });

  test('refuses a file of the wrong type with a clear message, without uploading it', async () => {
    const { uploader, pending } = manualUploader();
    render(<UploadQueue uploader={uploader} />);

    const dropZone = screen.getByTestId('drop-zone');
    fireEvent.drop(dropZone, { dataTransfer: { files: [file('notes.pdf', 'application/pdf'), file('c.png', 'image/png')] } });

    expect(screen.getByRole('alert')).toHaveTextContent('notes.pdf is not a photo or video we can keep');
    expect(pending.has('notes.pdf')).toBe(false);
    expect(pending.has('c.png')).toBe(true);
  });

  test('refuses a file that is too large, naming the limit', async () => {
    const { uploader, pending } = manualUploader();
    render(<UploadQueue uploader={uploader} />);
    fireEvent.drop(screen.getByTestId('drop-zone'), {
      dataTransfer: { files: [file('huge.jpg', 'image/jpeg', 60 * 1024 * 1024)] },
    });
    expect(screen.getByRole('alert')).toHaveTextContent('huge.jpg is too large (60.0 MB; the limit is 50.0 MB).');
    expect(pending.size).toBe(0);
  });

  test("shows the server's message when it turns a file down (quota)", async () => {
    const user = userEvent.setup();
    const { uploader, pending } = manualUploader();
    render(<UploadQueue uploader={uploader} />);
    await user.upload(screen.getByLabelText('Choose files'), file('d.jpg', 'image/jpeg'));

    await act(async () => pending.get('d.jpg')!.reject(new Error('This legacy has used its storage quota.')));
    const row = screen.getByText('d.jpg', { exact: false }).closest('li')!;
    expect(within(row).getByRole('alert')).toHaveTextContent('This legacy has used its storage quota.');
    expect(within(row).queryByRole('progressbar')).toBeNull();
  });

  test('clears finished rows and keeps running ones', async () => {
    const user = userEvent.setup();
    const { uploader, pending } = manualUploader();
    render(<UploadQueue uploader={uploader} />);
    await user.upload(screen.getByLabelText('Choose files'), [file('e.jpg', 'image/jpeg'), file('f.jpg', 'image/jpeg')]);
    await act(async () => pending.get('e.jpg')!.resolve());
    await user.click(screen.getByRole('button', { name: 'Clear finished' }));
    expect(screen.queryByText('e.jpg', { exact: false })).toBeNull();
    expect(screen.getByText('f.jpg', { exact: false })).toBeInTheDocument();
  });

  test('sends three files at a time; the others wait their turn', async () => {
    const user = userEvent.setup();
    const { uploader, pending } = manualUploader();
    render(<UploadQueue uploader={uploader} />);
    const files = ['1.jpg', '2.jpg', '3.jpg', '4.jpg', '5.jpg'].map((name) => file(name, 'image/jpeg'));
    await user.upload(screen.getByLabelText('Choose files'), files);

    expect([...pending.keys()]).toEqual(['1.jpg', '2.jpg', '3.jpg']);
    expect(screen.getAllByText('Waiting…')).toHaveLength(2);

    await act(async () => pending.get('2.jpg')!.resolve());
    expect([...pending.keys()]).toEqual(['1.jpg', '2.jpg', '3.jpg', '4.jpg']);
    await act(async () => pending.get('1.jpg')!.reject(new Error('refused')));
    expect(pending.has('5.jpg')).toBe(true);
    expect(screen.queryByText('Waiting…')).toBeNull();
  });

  test('when disabled, says why and accepts nothing', () => {
    const { uploader, pending } = manualUploader();
    render(<UploadQueue uploader={uploader} disabledReason="Uploads are coming soon." />);
    expect(screen.getByText('Uploads are coming soon.')).toBeInTheDocument();
    expect(screen.getByLabelText('Choose files')).toBeDisabled();
    fireEvent.drop(screen.getByTestId('drop-zone'), { dataTransfer: { files: [file('g.jpg', 'image/jpeg')] } });
    expect(pending.size).toBe(0);
  });
});
