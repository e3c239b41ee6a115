import { useId } from 'react';
import type { Visibility } from '../api/types';
import { VISIBILITIES, VISIBILITY_INFO } from '../visibility';

interface VisibilityPickerProps {
  value: Visibility;
  onChange: (visibility: Visibility) => void;
  disabled?: boolean;
}

/** "Who can read this story?" as a group of radio buttons, each explained. */
export function VisibilityPicker({ value, onChange, disabled }: VisibilityPickerProps) {
  const name = useId();
  return (
    <fieldset className="visibility-picker" disabled={disabled}>
      <legend>Who can read this story?</legend>
      {VISIBILITIES.map((visibility) => {
        const info = VISIBILITY_INFO[visibility];
        const id = `${name}-${visibility}`;
        return (
          <div className="visibility-option" key={visibility}>
            <input
              type="radio"
              id={id}
              name={name}
              value={visibility}
              checked={value === visibility}
              onChange={() => onChange(visibility)}
              aria-describedby={`${id}-explanation`}
            />
            <label htmlFor={id}>{info.label}</label>
            <p id={`${id}-explanation`} className="hint">
              {info.explanation}
            </p>
          </div>
        );
      })}
    </fieldset>
  );
}
