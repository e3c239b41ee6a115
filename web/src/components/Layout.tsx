import { Link, useNavigate } from 'react-router-dom';
import { useMe, useSignOut } from '../api/me';
import { SearchBox } from './SearchBox';

/** Skip link, site header with who is signed in, and the page. */
export function Layout({ children }: { children: React.ReactNode }) {
  const me = useMe();
  const signOut = useSignOut();
  const navigate = useNavigate();

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <nav aria-label="Main" className="site-nav">
          <Link to="/" className="brand">
            Mosaic Life
          </Link>
          {me.data ? <SearchBox label="Search stories in my legacies" hideLabel /> : null}
          {me.data ? (
            <div className="account">
              <Link to="/find">Find a legacy</Link>
              <span className="signed-in-as">
                Signed in as <strong>{me.data.name}</strong>
              </span>
              <button
                type="button"
                className="button-secondary"
                disabled={signOut.isPending}
                onClick={() => signOut.mutate(undefined, { onSettled: () => navigate('/') })}
              >
                Sign out
              </button>
            </div>
          ) : me.isSuccess ? (
            <div className="account">
              <Link to="/sign-in">Sign in</Link>
            </div>
          ) : null}
        </nav>
      </header>
      <main id="main" className="page">
        {children}
      </main>
    </>
  );
}
