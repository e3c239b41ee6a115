import { Link } from 'react-router-dom';
import { PageTitle } from '../components/PageTitle';

/** Any address the app does not know. */
export function NotFoundPage() {
  return (
    <section className="narrow">
      <PageTitle documentTitle="Not found">Page not found</PageTitle>
      <p>There is nothing at this address, or you may not see it.</p>
      <p>
        <Link to="/">Go to the start page</Link>
      </p>
    </section>
  );
}
