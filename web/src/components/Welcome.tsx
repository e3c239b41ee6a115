import { Link } from 'react-router-dom';
import { PageTitle } from './PageTitle';

/** The start page for someone not signed in. */
export function Welcome() {
  return (
    <section className="narrow">
      <PageTitle documentTitle="Welcome">Keep the stories of the people you love</PageTitle>
      <p>
        Mosaic Life lets a family gather memories of a person in one place: stories, photos and videos, shared
        with the people you choose.
      </p>
      <p>
        <Link className="button" to="/sign-in">
          Sign in
        </Link>
      </p>
    </section>
  );
}
