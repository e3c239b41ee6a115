import { useMemo, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useLegacySearch, useMyLegacies } from '../api/legacies';
import { useMe } from '../api/me';
import type { Role } from '../api/types';
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
  const results = useLegacySearch(q);
  const me = useMe();
  // Search answers no roles; the person's own legacies say where they stand.
  const mine = useMyLegacies(Boolean(me.data));
  const myRoles = useMemo(() => {
    const roles = new Map<string, Role>();
    for (const legacy of mine.data?.items ?? []) if (legacy.my_role) roles.set(legacy.id, legacy.my_role);
    return roles;
  }, [mine.data]);

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
          {results.data.items.map((found) => {
            const legacy = { ...found, my_role: found.my_role ?? myRoles.get(found.id) };
            return <LegacyListItem key={legacy.id} legacy={legacy} action={<JoinButton legacy={legacy} />} />;
          })}
        </ul>
      )}
    </section>
  );
}
