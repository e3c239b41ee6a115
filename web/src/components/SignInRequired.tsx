import { Link } from 'react-router-dom';
import { PageTitle } from './PageTitle';

/** Shown instead of a page that needs an account. */
export function SignInRequired({ what }: { what: string }) {
  return (
    <section className="narrow">
      <PageTitle documentTitle="Sign in">Please sign in</PageTitle>
      <p>You need to be signed in to {what}.</p>
      <p>
        <Link className="button" to="/sign-in">
          How to sign in
        </Link>
      </p>
    </section>
  );
}
