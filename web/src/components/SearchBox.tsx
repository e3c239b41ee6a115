import { useId, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';

interface SearchBoxProps {
  /** Search only this legacy; otherwise all of the person's legacies. */
  legacyId?: string;
  /** The visible label (the header's is visually hidden). */
  label: string;
  hideLabel?: boolean;
}

/** A story search form; submitting opens the results page. */
export function SearchBox({ legacyId, label, hideLabel = false }: SearchBoxProps) {
  const id = useId();
  const [text, setText] = useState('');
  const navigate = useNavigate();

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const q = text.trim();
    if (!q) return;
    const params = new URLSearchParams({ q });
    if (legacyId) params.set('legacy', legacyId);
    navigate(`/search?${params.toString()}`);
  }

  return (
    <form role="search" aria-label={label} onSubmit={onSubmit} className="story-search">
      <label htmlFor={id} className={hideLabel ? 'visually-hidden' : undefined}>
        {label}
      </label>
      <div className="search-row">
        <input
          id={id}
          type="search"
          name="q"
          value={text}
          maxLength={500}
          placeholder="Words, “a phrase”, -not"
          onChange={(event) => setText(event.target.value)}
        />
        <button type="submit" className="button">
          Search
        </button>
      </div>
    </form>
  );
}
