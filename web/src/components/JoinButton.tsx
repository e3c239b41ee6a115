import { Link } from 'react-router-dom';
import { useJoinLegacy } from '../api/legacies';
import { useMe } from '../api/me';
import type { Legacy } from '../api/types';
import { errorMessage } from '../api/ApiError';

/** "Ask to join" for someone not yet in the legacy; "Request pending" once asked. */
export function JoinButton({ legacy }: { legacy: Legacy }) {
  const me = useMe();
  const join = useJoinLegacy();

  // Once the role is known, the role badge beside this button says "Request pending".
  if (legacy.my_role) return null;
  if (join.isSuccess) {
    return (
      <span className="status-pending" role="status">
        Request pending: the creator will approve it.
      </span>
    );
  }
  if (me.isSuccess && !me.data) {
    return <Link to="/sign-in">Sign in to join</Link>;
  }
  return (
    <span className="join">
      <button
        type="button"
        className="button"
        disabled={join.isPending || !me.data}
        onClick={() => join.mutate(legacy.id)}
        aria-label={`Ask to join ${legacy.name}`}
      >
        {join.isPending ? 'Asking…' : 'Ask to join'}
      </button>
      {join.isError ? (
        <span className="error-text" role="alert">
          {errorMessage(join.error)}
        </span>
      ) : null}
    </span>
  );
}
