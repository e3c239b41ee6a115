import { useState, type FormEvent } from 'react';
import type { LegacyInput } from '../api/types';
import { ErrorMessage } from './ErrorMessage';

interface LegacyFormProps {
  initial?: LegacyInput;
  submitLabel: string;
  pendingLabel: string;
  pending: boolean;
  error: unknown;
  onSubmit: (input: LegacyInput) => void;
}

/** Name, dates of birth and death, and a short biography of a legacy. */
export function LegacyForm({ initial, submitLabel, pendingLabel, pending, error, onSubmit }: LegacyFormProps) {
  const [name, setName] = useState(initial?.name ?? '');
  const [birthDate, setBirthDate] = useState(initial?.birth_date ?? '');
  const [deathDate, setDeathDate] = useState(initial?.death_date ?? '');
  const [biography, setBiography] = useState(initial?.biography ?? '');

  function submit(event: FormEvent) {
    event.preventDefault();
    onSubmit({
      name: name.trim(),
      ...(birthDate ? { birth_date: birthDate } : {}),
      ...(deathDate ? { death_date: deathDate } : {}),
      ...(biography.trim() ? { biography: biography.trim() } : {}),
    });
  }

  return (
    <form onSubmit={submit} className="form">
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
      {error ? <ErrorMessage title="Nothing was saved." error={error} /> : null}
      <div className="form-actions">
        <button type="submit" className="button" disabled={pending}>
          {pending ? pendingLabel : submitLabel}
        </button>
      </div>
    </form>
  );
}
