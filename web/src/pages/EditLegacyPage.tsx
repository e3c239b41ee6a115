import { useNavigate, useParams } from 'react-router-dom';
import { isNotFound } from '../api/ApiError';
import { useLegacy, useUpdateLegacy } from '../api/legacies';
import { ErrorMessage } from '../components/ErrorMessage';
import { LegacyForm } from '../components/LegacyForm';
import { Loading } from '../components/Loading';
import { PageTitle } from '../components/PageTitle';
import { NotFoundPage } from './NotFoundPage';

/** Change a legacy's name, dates or biography (editors and the creator). */
export default function EditLegacyPage() {
  const { legacyId = '' } = useParams();
  const legacy = useLegacy(legacyId);
  const update = useUpdateLegacy(legacyId);
  const navigate = useNavigate();

  if (legacy.isPending) return <Loading what="legacy" />;
  if (legacy.isError) {
    if (isNotFound(legacy.error)) return <NotFoundPage />;
    return <ErrorMessage title="Could not load this legacy." error={legacy.error} onRetry={() => void legacy.refetch()} />;
  }
  const current = legacy.data;
  return (
    <section className="narrow">
      <PageTitle documentTitle={`Edit ${current.name}`}>Edit “{current.name}”</PageTitle>
      <LegacyForm
        initial={current}
        submitLabel="Save changes"
        pendingLabel="Saving…"
        pending={update.isPending}
        error={update.error}
        onSubmit={(input) => update.mutate(input, { onSuccess: () => navigate(`/legacies/${legacyId}`) })}
      />
    </section>
  );
}
