import { act, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { loadDraft } from '../drafts/storyDraft';
import { StoryEditorForm } from './StoryEditorForm';

const KEY = 'mosaic:story-draft:test';
const SAVED = { title: '', content: '', visibility: 'private' as const };

function renderForm(onSubmit = vi.fn()) {
  return render(
    <StoryEditorForm
      saved={SAVED}
      draft={loadDraft(KEY)}
      draftKey={KEY}
      submitLabel="Save story"
      saving={false}
      error={null}
      onSubmit={onSubmit}
    />,
  );
}

describe('StoryEditorForm', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  test('keeps what is typed in the browser and brings it back on the next visit', () => {
    const first = renderForm();
    fireEvent.change(screen.getByLabelText('Title'), { target: { value: 'Summer of 1962' } });
    fireEvent.change(screen.getByLabelText('Story'), { target: { value: 'We drove to the *sea*.' } });
    act(() => vi.advanceTimersByTime(500));
    expect(loadDraft(KEY)).toMatchObject({ title: 'Summer of 1962', content: 'We drove to the *sea*.', visibility: 'private' });
    first.unmount();

    renderForm();
    expect(screen.getByRole('status')).toHaveTextContent('We brought back what you typed');
    expect(screen.getByLabelText('Title')).toHaveValue('Summer of 1962');
    expect(screen.getByLabelText('Story')).toHaveValue('We drove to the *sea*.');
  });

  test('saves the draft at once when the tab is hidden or closed', () => {
    renderForm();
    fireEvent.change(screen.getByLabelText('Title'), { target: { value: 'Quick' } });
    window.dispatchEvent(new Event('pagehide'));
    expect(loadDraft(KEY)?.title).toBe('Quick');
  });

  test('shows a live preview of the Markdown', () => {
    renderForm();
    fireEvent.change(screen.getByLabelText('Story'), { target: { value: '**bold** words' } });
    const preview = screen.getByRole('region', { name: 'Preview' });
    expect(preview.querySelector('strong')).toHaveTextContent('bold');
  });

  test('submits the trimmed title, content and visibility, and forgets the draft once saved', () => {
    const onSubmit = vi.fn((_input: unknown, done: () => void) => done());
    renderForm(onSubmit);
    fireEvent.change(screen.getByLabelText('Title'), { target: { value: '  The lake  ' } });
    fireEvent.change(screen.getByLabelText('Story'), { target: { value: 'Cold water.' } });
    fireEvent.click(screen.getByLabelText('Public'));
    act(() => vi.advanceTimersByTime(500));
    fireEvent.click(screen.getByRole('button', { name: 'Save story' }));
    expect(onSubmit).toHaveBeenCalledWith({ title: 'The lake', content: 'Cold water.', visibility: 'public' }, expect.any(Function));
    expect(loadDraft(KEY)).toBeNull();
  });

  test('discarding the draft returns to the saved text', () => {
    localStorage.setItem(KEY, JSON.stringify({ title: 'Old', content: 'Old text', visibility: 'personal', savedAt: '2025-01-01T10:00:00Z' }));
    renderForm();
    fireEvent.click(screen.getByRole('button', { name: 'Discard it' }));
    expect(screen.getByLabelText('Title')).toHaveValue('');
    expect(loadDraft(KEY)).toBeNull();
  });
});

describe('StoryEditorForm: keeping a story out of the AI companion', () => {
  test('a new story has no such choice (it is made when editing)', () => {
    renderForm();
    expect(screen.queryByRole('checkbox')).toBeNull();
  });

  test('editing shows the current choice and sends the new one', () => {
    const onSubmit = vi.fn();
    render(
      <StoryEditorForm
        saved={{ title: 'Kitchen', content: 'Bread.', visibility: 'private' }}
        draft={null}
        draftKey={KEY}
        submitLabel="Save changes"
        saving={false}
        error={null}
        onSubmit={onSubmit}
        aiExcluded={false}
      />,
    );
    const box = screen.getByRole('checkbox', { name: 'Keep this story out of the AI companion' });
    expect(box).not.toBeChecked();
    fireEvent.click(box);
    fireEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(onSubmit).toHaveBeenCalledWith({ title: 'Kitchen', content: 'Bread.', visibility: 'private', ai_excluded: true }, expect.any(Function));
  });
});
