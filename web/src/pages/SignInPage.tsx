import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { useMe, useRedeemSignInLink } from '../api/me';
import { useSignInMethods } from '../api/signInMethods';
import { ErrorMessage } from '../components/ErrorMessage';
import { PageTitle } from '../components/PageTitle';
import { signInErrorMessage } from '../signInErrors';

/**
 * `/sign-in?token=…` from a one-time link. The token is only used when the
 * person presses the button: link previews in mail apps open the page too,
 * and must not use the link up.
 */
export function SignInPage() {
  const [params] = useSearchParams();
  const token = params.get('token');
  const failure = params.get('error');
  const me = useMe();
  const redeem = useRedeemSignInLink();
  const methods = useSignInMethods();
  const navigate = useNavigate();

  if (token) {
    return (
      <section className="narrow">
        <PageTitle documentTitle="Sign in">Sign in to Mosaic Life</PageTitle>
        <p>You opened a sign-in link. Press the button to sign in on this device.</p>
        <button
          type="button"
          className="button"
          disabled={redeem.isPending}
          onClick={() => redeem.mutate(token, { onSuccess: () => navigate('/', { replace: true }) })}
        >
          {redeem.isPending ? 'Signing in…' : 'Sign in'}
        </button>
        {redeem.isError ? (
          <ErrorMessage
            title="This link did not work."
            error={redeem.error}
          />
        ) : null}
        {redeem.isError ? <p>Links work once and expire after a while. Ask for a new one.</p> : null}
      </section>
    );
  }

  return (
    <section className="narrow">
      <PageTitle documentTitle="Sign in">Sign in to Mosaic Life</PageTitle>
      {failure ? (
        <div className="error-box" role="alert">
          <p>{signInErrorMessage(failure)}</p>
        </div>
      ) : null}
      {me.data ? (
        <p>
          You are signed in as <strong>{me.data.name}</strong>. <Link to="/">Go to your legacies</Link>.
        </p>
      ) : null}
      {methods.data?.google ? (
        <>
          <p>
            {/* A full page load: the server sends the browser on to the identity provider. */}
            <a className="button" href={methods.data.google_login_url ?? '/auth/google/login'}>
              Login with Google
            </a>
          </p>
          <p>Or sign in with a one-time link, so there is no password to remember:</p>
        </>
      ) : (
        <p>Mosaic Life signs you in with a one-time link, so there is no password to remember.</p>
      )}
      <ul>
        <li>
          If someone set up Mosaic Life for your family, ask them for a sign-in link. They can make one with{' '}
          <code>mosaic-admin login-link --email you@example.com --create --name "Your Name"</code>.
        </li>
        <li>If you just started the server for the first time, it printed a sign-in link for the first account.</li>
      </ul>
      <p>Open the link on this device, then press “Sign in”.</p>
    </section>
  );
}
