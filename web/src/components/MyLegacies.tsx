import { Link } from 'react-router-dom';
import { useMyLegacies } from '../api/legacies';
import { ArchiveDownloadButton } from './ArchiveDownloadButton';
import { ErrorMessage } from './ErrorMessage';
import { LegacyListItem } from './LegacyListItem';
import { Loading } from './Loading';
import { PageTitle } from './PageTitle';

/** The start page for someone signed in: the legacies they belong to, with their role. */
export function MyLegacies() {
  const legacies = useMyLegacies();
  return (
    <section>
      <PageTitle documentTitle="My legacies">My legacies</PageTitle>
      <p className="actions">
        <Link className="button" to="/legacies/new">
          Create Legacy
        </Link>
        <Link className="button-secondary" to="/find">
          Find a legacy to join
        </Link>
      </p>
      {legacies.isPending ? (
        <Loading what="your legacies" />
      ) : legacies.isError ? (
        <ErrorMessage title="Could not load your legacies." error={legacies.error} onRetry={() => void legacies.refetch()} />
      ) : legacies.data.items.length === 0 ? (
        <p className="empty">
          You are not part of any legacy yet. Create one for someone you remember, or find one your family started.
        </p>
      ) : (
        <ul className="legacy-list" aria-label="My legacies">
          {legacies.data.items.map((legacy) => (
            <LegacyListItem key={legacy.id} legacy={legacy} />
          ))}
        </ul>
      )}
      <section className="keep-safe" aria-labelledby="keep-safe-heading">
        <h2 id="keep-safe-heading">Keep a copy</h2>
        <p>
          Download every story you wrote, in every legacy, with the photos and videos you added: a ZIP that opens without
          Mosaic Life. Or bring back a legacy from an archive someone downloaded.
        </p>
        <div className="actions">
          <ArchiveDownloadButton url="/api/export" label="Download all my stories" />
          <Link className="button-secondary" to="/legacies/import">
            Import a legacy
          </Link>
        </div>
      </section>
    </section>
  );
}
