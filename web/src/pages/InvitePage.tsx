import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ApiError, isNotFound } from '../api/ApiError';
import { useAcceptInvite, useAcceptInviteWithNewAccount, useInvitePreview } from '../api/invites';
import { useMe } from '../api/me';
import type { InvitePreview } from '../api/types';
import { ErrorMessage } from '../components/ErrorMessage';
import { Loading } from '../components/Loading';
import { PageTitle } from '../components/PageTitle';
import { formatDateTime } from '../format';

const CLOSED: Record<Exclude<InvitePreview['state'], 'open'>, string> = {
  expired: 'This invite link has expired.',
  used_up: 'This invite link has already been used as many times as it allows.',
  revoked: 'This invite link was withdrawn.',
};

/** An invite link: whose legacy, who sent it, and a way in — signed in or with a new account. */
export default function InvitePage() {
  const { token = '' } = useParams();
  const preview = useInvitePreview(token);
  const me = useMe();

  if (preview.isPending || me.isPending) return <Loading what="the invitation" />;
  if (preview.isError) {
    if (isNotFound(preview.error) || (preview.error instanceof ApiError && preview.error.status === 400)) {
      return (
        <section className="narrow">
          <PageTitle documentTitle="Invite not found">This invite link does not work</PageTitle>
          <p>
            The link may be incomplete — check that it was copied whole — or it no longer exists. Ask the person who sent
            it for a new one.
          </p>
        </section>
      );
    }
    return <ErrorMessage title="Could not open the invitation." error={preview.error} onRetry={() => void preview.refetch()} />;
  }

  const invite = preview.data;
  const as = invite.role === 'editor' ? 'an editor (you can read and write stories)' : 'a member (you can read the family’s stories)';
  return (
    <section className="narrow">
      <PageTitle documentTitle={`Join ${invite.legacy_name}`}>{`Join ${invite.legacy_name}`}</PageTitle>
      <p>
        {invite.invited_by} invites you to the stories and photos kept in memory of {invite.legacy_name}, as {as}.
      </p>
      {invite.state !== 'open' ? (
        <div className="notice" role="status">
          <p>{CLOSED[invite.state]}</p>
          <p>Ask {invite.invited_by} to send you a new link.</p>
        </div>
      ) : me.data ? (
        <JoinSignedIn token={token} name={me.data.name} />
      ) : (
        <JoinWithNewAccount token={token} expiresAt={invite.expires_at} />
      )}
    </section>
  );
}

function JoinSignedIn({ token, name }: { token: string; name: string }) {
  const accept = useAcceptInvite(token);
  const navigate = useNavigate();
  return (
    <>
      <p>You are signed in as {name}.</p>
      {accept.isError ? <ErrorMessage title="You could not join." error={accept.error} /> : null}
      <p className="actions">
        <button
          type="button"
          className="button"
          disabled={accept.isPending}
          onClick={() => accept.mutate(undefined, { onSuccess: (joined) => navigate(`/legacies/${joined.legacy_id}`) })}
        >
          {accept.isPending ? 'Joining…' : 'Join'}
        </button>
      </p>
    </>
  );
}

function JoinWithNewAccount({ token, expiresAt }: { token: string; expiresAt: string }) {
  const accept = useAcceptInviteWithNewAccount(token);
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');

  function submit(event: FormEvent) {
    event.preventDefault();
    accept.mutate({ name, email }, { onSuccess: (joined) => navigate(`/legacies/${joined.legacy_id}`) });
  }

  return (
    <>
      <p>
        Tell us your name and e-mail address and you are in. The link works until {formatDateTime(expiresAt)}.
      </p>
      <form onSubmit={submit} className="form">
        <div className="field">
          <label htmlFor="invite-name">Your name (as the family will see it)</label>
          <input id="invite-name" autoComplete="name" required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="invite-email">Your e-mail address</label>
          <input
            id="invite-email"
            type="email"
            autoComplete="email"
            required
            maxLength={254}
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </div>
        {accept.isError ? <ErrorMessage title="You could not join." error={accept.error} /> : null}
        <div className="form-actions">
          <button type="submit" className="button" disabled={accept.isPending}>
            {accept.isPending ? 'Joining…' : 'Join'}
          </button>
        </div>
      </form>
      <p className="meta">
        Already have an account? <Link to="/sign-in">Sign in</Link> first, then open this link again.
      </p>
    </>
  );
}
