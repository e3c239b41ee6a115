import { Link } from 'react-router-dom';
import { useSignInMethods } from '../api/signInMethods';
import { PageTitle } from './PageTitle';

/** The start page for someone not signed in. */
export function Welcome() {
  const methods = useSignInMethods();
  return (
    <section className="narrow">
      <PageTitle documentTitle="Welcome">Keep the stories of the people you love</PageTitle>
      <p>
        Mosaic Life lets a family gather memories of a person in one place: stories, photos and videos, shared
        with the people you choose.
      </p>
      <p className="actions">
        {methods.data?.google ? (
          // A full page load: the server sends the browser on to the identity provider.
          <a className="button" href={methods.data.google_login_url ?? '/auth/google/login'}>
            Login with Google
          </a>
        ) : null}
        <Link className={methods.data?.google ? 'button-secondary' : 'button'} to="/sign-in">
          {methods.data?.google ? 'Other ways to sign in' : 'Sign in'}
        </Link>
      </p>
    </section>
  );
}
