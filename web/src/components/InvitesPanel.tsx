import { useState, type FormEvent } from 'react';
import { useCreateInvite, useInvites, useRevokeInvite } from '../api/invites';
import type { Invite, Legacy } from '../api/types';
import { formatDateTime } from '../format';
import { ErrorMessage } from './ErrorMessage';
import { Loading } from './Loading';

const STATE_LABEL: Record<Invite['state'], string> = {
  open: 'Works',
  expired: 'Expired',
  used_up: 'Used',
  revoked: 'Withdrawn',
};

function uses(invite: Invite) {
  return invite.max_uses === 1
    ? `for one person${invite.uses === 1 ? ', used' : ''}`
    : `${invite.uses} of ${invite.max_uses} people joined`;
}

/** The creator's invite links: make one (shown once, to copy), see them all, withdraw one. */
export function InvitesPanel({ legacy }: { legacy: Legacy }) {
  const invites = useInvites(legacy.id);
  const create = useCreateInvite(legacy.id);
  const revoke = useRevokeInvite(legacy.id);
  const [role, setRole] = useState<'member' | 'editor'>('member');
  const [days, setDays] = useState(14);
  const [maxUses, setMaxUses] = useState(1);
  const [copied, setCopied] = useState(false);
  const link = create.data ? `${window.location.origin}${create.data.path}` : null;

  function submit(event: FormEvent) {
    event.preventDefault();
    setCopied(false);
    create.mutate({ role, days, max_uses: maxUses });
  }

  async function copy() {
    if (!link) return;
    try {
      await navigator.clipboard.writeText(link);
      setCopied(true);
    } catch {
      // No clipboard permission: the link stays selected in its field to copy by hand.
      document.getElementById('new-invite-link')?.focus();
    }
  }

  return (
    <section aria-labelledby="invites-heading" className="invites">
      <h3 id="invites-heading">Invite relatives</h3>
      <p>
        Make a link and send it to family by message or e-mail. Whoever opens it joins {legacy.name} at once with the role
        you choose — no approval needed — until it expires or has been used as often as you allow.
      </p>
      <form onSubmit={submit} className="form invite-form">
        <div className="field-row">
          <div className="field">
            <label htmlFor="invite-role">They join as</label>
            <select id="invite-role" value={role} onChange={(e) => setRole(e.target.value as 'member' | 'editor')}>
              <option value="member">Member (reads family stories)</option>
              <option value="editor">Editor (also writes stories)</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="invite-days">Works for</label>
            <select id="invite-days" value={days} onChange={(e) => setDays(Number(e.target.value))}>
              <option value={1}>1 day</option>
              <option value={7}>7 days</option>
              <option value={14}>14 days</option>
              <option value={30}>30 days</option>
              <option value={90}>90 days</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="invite-uses">For</label>
            <select id="invite-uses" value={maxUses} onChange={(e) => setMaxUses(Number(e.target.value))}>
              <option value={1}>one person</option>
              <option value={5}>up to 5 people</option>
              <option value={20}>up to 20 people</option>
              <option value={100}>up to 100 people</option>
            </select>
          </div>
        </div>
        <div className="form-actions">
          <button type="submit" className="button" disabled={create.isPending}>
            {create.isPending ? 'Making the link…' : 'Make an invite link'}
          </button>
        </div>
      </form>
      {create.isError ? <ErrorMessage title="No link was made." error={create.error} /> : null}
      {link ? (
        <div className="notice invite-link" role="status">
          <label htmlFor="new-invite-link">Your invite link (shown only now — copy it before leaving this page)</label>
          <input id="new-invite-link" type="text" readOnly value={link} onFocus={(e) => e.target.select()} />
          <button type="button" className="button-secondary" onClick={() => void copy()}>
            {copied ? 'Copied' : 'Copy link'}
          </button>
        </div>
      ) : null}

      <h4>Invite links</h4>
      {invites.isPending ? (
        <Loading what="invite links" />
      ) : invites.isError ? (
        <ErrorMessage title="Could not load the invite links." error={invites.error} onRetry={() => void invites.refetch()} />
      ) : invites.data.length === 0 ? (
        <p className="empty">No invite links yet.</p>
      ) : (
        <ul className="member-list" aria-label="Invite links">
          {invites.data.map((invite) => (
            <li key={invite.id} className="card member-row">
              <span>
                <strong>{invite.role === 'editor' ? 'Editor' : 'Member'}</strong> · {uses(invite)} ·{' '}
                {invite.state === 'open' ? `works until ${formatDateTime(invite.expires_at)}` : STATE_LABEL[invite.state]}
              </span>
              {invite.state === 'open' ? (
                <button
                  type="button"
                  className="button-danger"
                  disabled={revoke.isPending}
                  onClick={() => {
                    if (window.confirm('Withdraw this invite link? It stops working at once.')) revoke.mutate(invite.id);
                  }}
                >
                  Withdraw<span className="visually-hidden"> the {invite.role} invite made {formatDateTime(invite.created_at)}</span>
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {revoke.isError ? <ErrorMessage error={revoke.error} /> : null}
    </section>
  );
}
