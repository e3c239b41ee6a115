import { useNavigate } from 'react-router-dom';
import { errorMessage } from '../api/ApiError';
import { useLeaveLegacy, useMemberAction, useMembers } from '../api/members';
import type { Legacy } from '../api/types';
import { ErrorMessage } from './ErrorMessage';
import { InvitesPanel } from './InvitesPanel';
import { Loading } from './Loading';
import { MemberRow } from './MemberRow';

const ACTION_DONE = {
  approve: 'approved',
  reject: 'turned down',
  promote: 'is now an editor',
  demote: 'is now a member',
  remove: 'removed',
} as const;

/** The members of a legacy; the creator approves, rejects, promotes and removes here. */
export function MembersPanel({ legacy, myId }: { legacy: Legacy; myId: string }) {
  const members = useMembers(legacy.id);
  const action = useMemberAction(legacy.id);
  const leave = useLeaveLegacy(legacy.id);
  const navigate = useNavigate();
  const isCreator = legacy.my_role === 'creator';

  if (members.isPending) return <Loading what="members" />;
  if (members.isError) {
    return <ErrorMessage title="Could not load the members." error={members.error} onRetry={() => void members.refetch()} />;
  }

  const pending = members.data.filter((member) => member.role === 'pending');
  const approved = members.data.filter((member) => member.role !== 'pending');
  const lastName = action.variables ? members.data.find((m) => m.user_id === action.variables?.userId)?.name : undefined;

  return (
    <section aria-labelledby="members-heading">
      <h2 id="members-heading">Members</h2>
      <p aria-live="polite" className="status-line">
        {action.isSuccess && action.variables ? `${lastName ?? 'Member'} ${ACTION_DONE[action.variables.kind]}.` : ''}
      </p>
      {action.isError ? <ErrorMessage error={action.error} /> : null}
      {isCreator || pending.length > 0 ? (
        <>
          <h3>Requests to join</h3>
          {pending.length === 0 ? (
            <p className="empty">No one is waiting for approval.</p>
          ) : (
            <ul className="member-list" aria-label="Requests to join">
              {pending.map((member) => (
                <MemberRow
                  key={member.user_id}
                  member={member}
                  isMe={member.user_id === myId}
                  canManage={isCreator}
                  busy={action.isPending}
                  onAction={(a) => action.mutate(a)}
                />
              ))}
            </ul>
          )}
        </>
      ) : null}
      {isCreator ? <InvitesPanel legacy={legacy} /> : null}
      <h3>Family</h3>
      <ul className="member-list" aria-label="Members">
        {approved.map((member) => (
          <MemberRow
            key={member.user_id}
            member={member}
            isMe={member.user_id === myId}
            canManage={isCreator}
            busy={action.isPending}
            onAction={(a) => action.mutate(a)}
          />
        ))}
      </ul>
      {!isCreator && legacy.my_role ? (
        <p>
          <button
            type="button"
            className="button-danger"
            disabled={leave.isPending}
            onClick={() => {
              if (window.confirm(`Leave ${legacy.name}? You will no longer see family stories.`)) {
                leave.mutate(undefined, { onSuccess: () => navigate('/') });
              }
            }}
          >
            Leave this legacy
          </button>
          {leave.isError ? (
            <span className="error-text" role="alert">
              {errorMessage(leave.error)}
            </span>
          ) : null}
        </p>
      ) : null}
    </section>
  );
}
