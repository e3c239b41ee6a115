import type { MemberAction } from '../api/members';
import type { Member } from '../api/types';
import { formatDateTime } from '../format';
import { ROLE_LABEL } from '../roles';

interface MemberRowProps {
  member: Member;
  isMe: boolean;
  /** Only the creator manages members. */
  canManage: boolean;
  busy: boolean;
  onAction: (action: MemberAction) => void;
}

/** One member with their role and, for the creator, what can be done. */
export function MemberRow({ member, isMe, canManage, busy, onAction }: MemberRowProps) {
  const userId = member.user_id;
  const manage = canManage && !isMe && member.role !== 'creator';
  return (
    <li className="card member-row">
      <div>
        <strong>{member.name}</strong>
        {isMe ? ' (you)' : null}
        <p className="meta">
          {member.role === 'pending' ? 'Asked' : 'Joined'} {formatDateTime(member.joined_at)}
        </p>
      </div>
      <span className={`badge role-${member.role}`}>{ROLE_LABEL[member.role]}</span>
      {manage ? (
        <div className="member-actions" role="group" aria-label={`Manage ${member.name}`}>
          {member.role === 'pending' ? (
            <>
              <button type="button" className="button" disabled={busy} onClick={() => onAction({ kind: 'approve', userId })}>
                Approve
              </button>
              <button type="button" className="button-secondary" disabled={busy} onClick={() => onAction({ kind: 'reject', userId })}>
                Reject
              </button>
            </>
          ) : (
            <>
              {member.role === 'member' ? (
                <button type="button" className="button-secondary" disabled={busy} onClick={() => onAction({ kind: 'promote', userId })}>
                  Make editor
                </button>
              ) : (
                <button type="button" className="button-secondary" disabled={busy} onClick={() => onAction({ kind: 'demote', userId })}>
                  Make member
                </button>
              )}
              <button
                type="button"
                className="button-danger"
                disabled={busy}
                onClick={() => {
                  if (window.confirm(`Remove ${member.name} from this legacy?`)) onAction({ kind: 'remove', userId });
                }}
              >
                Remove
              </button>
            </>
          )}
        </div>
      ) : null}
    </li>
  );
}
