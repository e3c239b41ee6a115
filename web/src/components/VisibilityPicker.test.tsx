import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, test, vi } from 'vitest';
import type { Visibility } from '../api/types';
import { VisibilityPicker } from './VisibilityPicker';

function Harness({ onChange }: { onChange: (v: Visibility) => void }) {
  const [value, setValue] = useState<Visibility>('private');
  return (
    <VisibilityPicker
      value={value}
      onChange={(v) => {
        setValue(v);
        onChange(v);
      }}
    />
  );
}

describe('VisibilityPicker', () => {
  test('offers the three visibilities as labelled radio buttons in one group', () => {
    render(<VisibilityPicker value="private" onChange={() => {}} />);
    const group = screen.getByRole('group', { name: 'Who can read this story?' });
    expect(group).toBeInTheDocument();
    expect(screen.getByRole('radio', { name: 'Public' })).not.toBeChecked();
    expect(screen.getByRole('radio', { name: 'Family' })).toBeChecked();
    expect(screen.getByRole('radio', { name: 'Only me' })).not.toBeChecked();
  });

  test('explains each choice in plain language, tied to its radio button', () => {
    render(<VisibilityPicker value="private" onChange={() => {}} />);
    expect(screen.getByRole('radio', { name: 'Public' })).toHaveAccessibleDescription(
      'Anyone with the link can read it, even without signing in.',
    );
    expect(screen.getByRole('radio', { name: 'Family' })).toHaveAccessibleDescription(
      'Only approved members of this legacy can read it.',
    );
    expect(screen.getByRole('radio', { name: 'Only me' })).toHaveAccessibleDescription(/Only you can read it/);
  });

  test('reports the chosen visibility, by click and by keyboard', async () => {
    const user = userEvent.setup();
    const onChange = vi.fn();
    render(<Harness onChange={onChange} />);
    await user.click(screen.getByLabelText('Public'));
    expect(onChange).toHaveBeenLastCalledWith('public');
    expect(screen.getByRole('radio', { name: 'Public' })).toBeChecked();

    screen.getByRole('radio', { name: 'Public' }).focus();
    await user.keyboard('{ArrowDown}');
    expect(onChange).toHaveBeenLastCalledWith('personal');
    expect(screen.getByRole('radio', { name: 'Only me' })).toBeChecked();
  });

  test('can be disabled while saving', () => {
    render(<VisibilityPicker value="public" onChange={() => {}} disabled />);
    for (const radio of screen.getAllByRole('radio')) expect(radio).toBeDisabled();
  });
});
