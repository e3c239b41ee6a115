import { useMe } from '../api/me';
import { ErrorMessage } from '../components/ErrorMessage';
import { Loading } from '../components/Loading';
import { MyLegacies } from '../components/MyLegacies';
import { Welcome } from '../components/Welcome';

/** The start page: a welcome for visitors, "my legacies" for the signed in. */
export function HomePage() {
  const me = useMe();
  if (me.isPending) return <Loading what="your account" />;
  if (me.isError) return <ErrorMessage title="Could not check who you are." error={me.error} onRetry={() => void me.refetch()} />;
  if (!me.data) return <Welcome />;
  return <MyLegacies />;
}
