import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useLegacySearch } from '../api/legacies';
import { ErrorMessage } from '../components/ErrorMessage';
import { JoinButton } from '../components/JoinButton';
import { LegacyListItem } from '../components/LegacyListItem';
import { Loading } from '../components/Loading';
import { PageTitle } from '../components/PageTitle';

/** Find a legacy by name and ask to join it. */
export default function FindLegacyPage() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const [text, setText] = useState(q);
  // Each result carries the signed-in person's role in it (my_role).
  const results = useLegacySearch(q);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    setParams(text.trim() ? { q: text.trim() } : {});
  }

  return (
    <section>
      <PageTitle documentTitle="Find a legacy">Find a legacy</PageTitle>
      <form role="search" onSubmit={onSubmit} className="search-form">
        <label htmlFor="legacy-search">Name of the person</label>
        <div className="search-row">
          <input id="legacy-search" type="search" name="q" value={text} onChange={(event) => setText(event.target.value)} />
          <button type="submit" className="button">
            Search
          </button>
        </div>
      </form>
      {!q ? (
        <p className="hint">Type a name, for example a grandparent's, to find the legacy your family started.</p>
      ) : results.isPending ? (
        <Loading what="results" />
      ) : results.isError ? (
        <ErrorMessage title="The search failed." error={results.error} onRetry={() => void results.refetch()} />
      ) : results.data.items.length === 0 ? (
        <p className="empty" role="status">
          No legacy matches “{q}”.
        </p>
      ) : (
        <ul className="legacy-list" aria-label="Search results">
          {results.data.items.map((legacy) => (
            <LegacyListItem key={legacy.id} legacy={legacy} action={<JoinButton legacy={legacy} />} />
          ))}
        </ul>
      )}
    </section>
  );
}
