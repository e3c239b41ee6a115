import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { useMe } from '../api/me';
import { useCreateLegacy } from '../api/legacies';
import { ErrorMessage } from '../components/ErrorMessage';
import { Loading } from '../components/Loading';
import { PageTitle } from '../components/PageTitle';
import { SignInRequired } from '../components/SignInRequired';

/** Create a legacy: name, dates and a short biography. */
export default function NewLegacyPage() {
  const me = useMe();
  const create = useCreateLegacy();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [birthDate, setBirthDate] = useState('');
  const [deathDate, setDeathDate] = useState('');
  const [biography, setBiography] = useState('');

  if (me.isPending) return <Loading what="your account" />;
  if (!me.data) return <SignInRequired what="create a legacy" />;

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    create.mutate(
      {
        name: name.trim(),
        ...(birthDate ? { birth_date: birthDate } : {}),
        ...(deathDate ? { death_date: deathDate } : {}),
        ...(biography.trim() ? { biography: biography.trim() } : {}),
      },
      { onSuccess: (legacy) => navigate(`/legacies/${legacy.id}`) },
    );
  }

  return (
    <section className="narrow">
      <PageTitle documentTitle="Create a legacy">Create a legacy</PageTitle>
      <p>A legacy is a place for the memories of one person. You can invite family once it exists.</p>
      <form onSubmit={onSubmit} className="form">
        <div className="field">
          <label htmlFor="legacy-name">Name</label>
          <input
            id="legacy-name"
            name="name"
            required
            maxLength={200}
            autoComplete="off"
            value={name}
            onChange={(event) => setName(event.target.value)}
          />
        </div>
        <div className="field-row">
          <div className="field">
            <label htmlFor="legacy-birth">Date of birth (optional)</label>
            <input id="legacy-birth" name="birth_date" type="date" value={birthDate} onChange={(event) => setBirthDate(event.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="legacy-death">Date of death (optional)</label>
            <input
              id="legacy-death"
              name="death_date"
              type="date"
              min={birthDate || undefined}
              value={deathDate}
              onChange={(event) => setDeathDate(event.target.value)}
            />
          </div>
        </div>
        <div className="field">
          <label htmlFor="legacy-biography">Short biography (optional)</label>
          <textarea
            id="legacy-biography"
            name="biography"
            rows={5}
            maxLength={5000}
            aria-describedby="legacy-biography-hint"
            value={biography}
            onChange={(event) => setBiography(event.target.value)}
          />
          <p id="legacy-biography-hint" className="hint">
            A few lines about who they were. Markdown works: **bold**, *italic*, lists.
          </p>
        </div>
        {create.isError ? <ErrorMessage title="The legacy was not created." error={create.error} /> : null}
        <button type="submit" className="button" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create'}
        </button>
      </form>
    </section>
  );
}
