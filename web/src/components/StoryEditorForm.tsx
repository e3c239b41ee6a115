import { useDeferredValue, useState, type FormEvent } from 'react';
import type { StoryInput, Visibility } from '../api/types';
import { clearDraft, type StoryDraft } from '../drafts/storyDraft';
import { useAutosave } from '../drafts/useAutosave';
import { formatDateTime } from '../format';
import { ErrorMessage } from './ErrorMessage';
import { Markdown } from './Markdown';
import { VisibilityPicker } from './VisibilityPicker';

interface StoryEditorFormProps {
  /** What the server has (empty for a new story). */
  saved: StoryInput;
  /** A draft from an earlier visit, restored into the form. */
  draft: StoryDraft | null;
  draftKey: string;
  submitLabel: string;
  saving: boolean;
  error: unknown;
  onSubmit: (input: StoryInput, done: () => void) => void;
  /**
   * Editing: whether the author keeps the story out of the AI companion
   * (shown as a checkbox). Omitted for a new story.
   */
  aiExcluded?: boolean;
}

/** Title, Markdown with live preview, visibility; typed text is kept in the browser until saved. */
export function StoryEditorForm({ saved, draft, draftKey, submitLabel, saving, error, onSubmit, aiExcluded }: StoryEditorFormProps) {
  const initial = draft ?? saved;
  const [title, setTitle] = useState(initial.title);
  const [content, setContent] = useState(initial.content);
  const [visibility, setVisibility] = useState<Visibility>(initial.visibility);
  const [restoredDraft, setRestoredDraft] = useState(draft);
  const [keepFromAi, setKeepFromAi] = useState(aiExcluded ?? false);
  const preview = useDeferredValue(content);

  const dirty = title !== saved.title || content !== saved.content || visibility !== saved.visibility;
  const autosavedAt = useAutosave(draftKey, { title, content, visibility }, dirty);

  function discardDraft() {
    clearDraft(draftKey);
    setTitle(saved.title);
    setContent(saved.content);
    setVisibility(saved.visibility);
    setRestoredDraft(null);
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const input: StoryInput = { title: title.trim(), content, visibility };
    if (aiExcluded !== undefined) input.ai_excluded = keepFromAi;
    onSubmit(input, () => clearDraft(draftKey));
  }

  return (
    <form className="form story-form" onSubmit={submit}>
      {restoredDraft ? (
        <div className="notice" role="status">
          <p>
            We brought back what you typed on {formatDateTime(restoredDraft.savedAt)}, which was not saved yet.{' '}
            <button type="button" className="link-button" onClick={discardDraft}>
              Discard it
            </button>
          </p>
        </div>
      ) : null}
      <div className="field">
        <label htmlFor="story-title">Title</label>
        <input
          id="story-title"
          name="title"
          required
          maxLength={500}
          autoComplete="off"
          value={title}
          onChange={(event) => setTitle(event.target.value)}
        />
      </div>
      <div className="editor">
        <div className="field">
          <label htmlFor="story-content">Story</label>
          <textarea
            id="story-content"
            name="content"
            required
            rows={14}
            maxLength={50000}
            aria-describedby="story-content-hint"
            value={content}
            onChange={(event) => setContent(event.target.value)}
          />
          <p id="story-content-hint" className="hint">
            Markdown: **bold**, *italic*, # heading, - list, [link](https://…).
          </p>
        </div>
        <section className="preview" aria-labelledby="preview-heading">
          <h2 id="preview-heading" className="preview-heading">
            Preview
          </h2>
          {preview.trim() ? <Markdown source={preview} /> : <p className="hint">Your story will appear here as you write.</p>}
        </section>
      </div>
      <VisibilityPicker value={visibility} onChange={setVisibility} disabled={saving} />
      {aiExcluded !== undefined ? (
        <div className="field checkbox-field">
          <label>
            <input type="checkbox" checked={keepFromAi} disabled={saving} onChange={(e) => setKeepFromAi(e.target.checked)} /> Keep this story
            out of the AI companion
          </label>
          <p className="hint">When ticked, the companion never reads this story, for anyone, and never quotes it in an answer.</p>
        </div>
      ) : null}
      {error ? <ErrorMessage title="The story was not saved." error={error} /> : null}
      <div className="form-actions">
        <button type="submit" className="button" disabled={saving}>
          {saving ? 'Saving…' : submitLabel}
        </button>
        <p className="hint" aria-live="polite">
          {dirty && autosavedAt ? `Draft kept in this browser at ${autosavedAt.toLocaleTimeString()}.` : ''}
        </p>
      </div>
    </form>
  );
}
