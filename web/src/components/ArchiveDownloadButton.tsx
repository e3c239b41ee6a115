import { useEffect, useRef, useState } from 'react';
import { downloadArchive } from '../archive/downloadArchive';
import { formatBytes } from '../format';
import { ErrorMessage } from './ErrorMessage';

type DownloadState =
  | { kind: 'idle' }
  | { kind: 'downloading'; received: number }
  | { kind: 'done'; fileName: string }
  | { kind: 'failed'; error: unknown };

interface ArchiveDownloadButtonProps {
  /** The API URL that streams the ZIP. */
  url: string;
  /** The button text, e.g. "Download this legacy". */
  label: string;
}

/**
 * A button that downloads an archive (a ZIP of stories and photos),
 * saying how much has arrived while the server prepares and streams it.
 */
export function ArchiveDownloadButton({ url, label }: ArchiveDownloadButtonProps) {
  const [state, setState] = useState<DownloadState>({ kind: 'idle' });
  const abort = useRef<AbortController | null>(null);
  useEffect(() => () => abort.current?.abort(), []);

  async function start() {
    const controller = new AbortController();
    abort.current = controller;
    setState({ kind: 'downloading', received: 0 });
    try {
      const fileName = await downloadArchive(url, (received) => setState({ kind: 'downloading', received }), controller.signal);
      setState({ kind: 'done', fileName });
    } catch (error) {
      setState(controller.signal.aborted ? { kind: 'idle' } : { kind: 'failed', error });
    }
  }

  const busy = state.kind === 'downloading';
  return (
    <div className="archive-download">
      <button type="button" className="button-secondary" onClick={() => void start()} disabled={busy}>
        {label}
      </button>
      {busy ? (
        <button type="button" className="button-secondary" onClick={() => abort.current?.abort()}>
          Cancel
        </button>
      ) : null}
      <p className="meta" role="status" aria-live="polite">
        {state.kind === 'downloading'
          ? state.received === 0
            ? 'Preparing the archive…'
            : `Downloading… ${formatBytes(state.received)} so far`
          : state.kind === 'done'
            ? `Saved as ${state.fileName}. It opens without Mosaic Life: start with index.html or README.txt inside.`
            : ''}
      </p>
      {state.kind === 'failed' ? <ErrorMessage title="The archive could not be downloaded." error={state.error} /> : null}
    </div>
  );
}
