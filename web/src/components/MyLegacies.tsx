import { Link } from 'react-router-dom';
import { useMyLegacies } from '../api/legacies';
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
          Create a legacy
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
    </section>
  );
}
