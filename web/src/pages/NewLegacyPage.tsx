import { useNavigate } from 'react-router-dom';
import { useMe } from '../api/me';
import { useCreateLegacy } from '../api/legacies';
import { LegacyForm } from '../components/LegacyForm';
import { Loading } from '../components/Loading';
import { PageTitle } from '../components/PageTitle';
import { SignInRequired } from '../components/SignInRequired';

/** Create a legacy: name, dates and a short biography. */
export default function NewLegacyPage() {
  const me = useMe();
  const create = useCreateLegacy();
  const navigate = useNavigate();

  if (me.isPending) return <Loading what="your account" />;
  if (!me.data) return <SignInRequired what="create a legacy" />;

  return (
    <section className="narrow">
      <PageTitle documentTitle="Create a legacy">Create a legacy</PageTitle>
      <p>A legacy is a place for the memories of one person. You can invite family once it exists.</p>
      <LegacyForm
        submitLabel="Create"
        pendingLabel="Creating…"
        pending={create.isPending}
        error={create.error}
        onSubmit={(input) => create.mutate(input, { onSuccess: (legacy) => navigate(`/legacies/${legacy.id}`) })}
      />
    </section>
  );
}
