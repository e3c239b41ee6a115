import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { useMe } from '../api/me';
import type { ImportResult } from '../api/types';
import { ErrorMessage } from '../components/ErrorMessage';
import { Loading } from '../components/Loading';
import { PageTitle } from '../components/PageTitle';
import { SignInRequired } from '../components/SignInRequired';
import { formatBytes } from '../format';
import { sendWithProgress } from '../upload/sendWithProgress';

type ImportState =
  | { kind: 'idle' }
  | { kind: 'uploading'; fraction: number }
  | { kind: 'done'; result: ImportResult }
  | { kind: 'failed'; error: unknown };

function plural(count: number, one: string, many: string) {
  return `${count} ${count === 1 ? one : many}`;
}

/** Bring back a legacy from an archive made by "Download this legacy". */
export default function ImportLegacyPage() {
  const me = useMe();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [state, setState] = useState<ImportState>({ kind: 'idle' });
  const input = useRef<HTMLInputElement>(null);

  if (me.isPending) return <Loading what="your account" />;
  if (!me.data) return <SignInRequired what="import a legacy" />;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!file) {
      setState({ kind: 'failed', error: new Error('Choose the archive (a .zip file) to import first.') });
      input.current?.focus();
      return;
    }
    setState({ kind: 'uploading', fraction: 0 });
    try {
      const text = await sendWithProgress(
        'POST',
        '/api/legacies/import',
        { 'Content-Type': 'application/zip', 'X-Requested-With': 'mosaic' },
        file,
        (fraction) => setState({ kind: 'uploading', fraction }),
      );
      setState({ kind: 'done', result: JSON.parse(text) as ImportResult });
      void queryClient.invalidateQueries({ queryKey: ['legacies'] });
    } catch (error) {
      setState({ kind: 'failed', error });
    }
  }

  const busy = state.kind === 'uploading';
  return (
    <section className="narrow">
      <PageTitle documentTitle="Import a legacy">Import a legacy</PageTitle>
      <p>
        Bring back a legacy from an archive downloaded from Mosaic Life (a <code>.zip</code> file made by “Download this
        legacy”). Its stories, their earlier versions, and its photos and videos are restored, and you become its creator.
        The archive is checked completely before anything is saved, so a damaged file changes nothing.
      </p>
      {state.kind === 'done' ? (
        <div className="notice" role="status">
          <p>
            Imported “{state.result.legacy.name}”: {plural(state.result.stories, 'story', 'stories')},{' '}
            {plural(state.result.revisions, 'earlier version', 'earlier versions')} and{' '}
            {plural(state.result.media, 'photo or video', 'photos and videos')}.
          </p>
          <p>
            <Link to={`/legacies/${state.result.legacy.id}`}>Open {state.result.legacy.name}</Link>
          </p>
        </div>
      ) : (
        <form onSubmit={(event) => void submit(event)} className="form" noValidate>
          <div className="field">
            <label htmlFor="archive-file">Archive file (.zip)</label>
            <input
              ref={input}
              id="archive-file"
              type="file"
              accept=".zip,application/zip"
              disabled={busy}
              onChange={(event) => {
                setFile(event.target.files?.[0] ?? null);
                setState({ kind: 'idle' });
              }}
            />
            {file ? <p className="meta">{`${file.name} (${formatBytes(file.size)})`}</p> : null}
          </div>
          {busy ? (
            <div role="status" aria-live="polite">
              <progress max={1} value={state.fraction} aria-label="Import progress" />
              <p className="meta">
                {state.fraction < 1 ? `Sending… ${Math.round(state.fraction * 100)}%` : 'Checking and restoring the archive…'}
              </p>
            </div>
          ) : null}
          {state.kind === 'failed' ? <ErrorMessage title="The archive could not be imported." error={state.error} /> : null}
          <div className="form-actions">
            <button type="submit" className="button" disabled={busy}>
              {busy ? 'Importing…' : 'Import'}
            </button>
            <Link to="/">Cancel</Link>
          </div>
        </form>
      )}
    </section>
  );
}
