import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { useConversations, useDeleteConversation, useRenameConversation } from '../api/chat';
import type { Conversation } from '../api/types';
import { formatDateTime } from '../format';
import { ErrorMessage } from './ErrorMessage';
import { Loading } from './Loading';

interface ConversationListProps {
  legacyId: string;
  name: string;
  /** The conversation shown above, if any. */
  currentId?: string;
  /** Called before a conversation is opened. */
  onOpen: (id: string) => void;
  /** Called after a conversation was deleted. */
  onDeleted: (id: string) => void;
}

/** The person's conversations about this legacy: open, rename, delete. */
export function ConversationList({ legacyId, name, currentId, onOpen, onDeleted }: ConversationListProps) {
  const conversations = useConversations(legacyId);
  const rename = useRenameConversation(legacyId);
  const remove = useDeleteConversation(legacyId);
  const [renaming, setRenaming] = useState<string | null>(null);
  const [said, setSaid] = useState('');
  const heading = useRef<HTMLHeadingElement>(null);
  // After renaming (or cancelling), focus goes back to that row's Rename button.
  const [returnFocus, setReturnFocus] = useState<string | null>(null);
  useEffect(() => {
    if (returnFocus && renaming === null) {
      document.getElementById(`rename-button-${returnFocus}`)?.focus();
      setReturnFocus(null);
    }
  }, [returnFocus, renaming]);
  const closeRename = (id: string) => {
    setRenaming(null);
    setReturnFocus(id);
  };

  if (conversations.isPending) return <Loading what="conversations" />;
  if (conversations.isError) {
    return <ErrorMessage title="Could not load your conversations." error={conversations.error} onRetry={() => void conversations.refetch()} />;
  }
  const items = conversations.data.pages.flatMap((page) => page.items);

  const confirmDelete = (conversation: Conversation) => {
    if (!window.confirm(`Delete the conversation “${conversation.title}”? It will be gone for good.`)) return;
    remove.mutate(conversation.id, {
      onSuccess: () => {
        setSaid(`Conversation “${conversation.title}” deleted.`);
        onDeleted(conversation.id);
        heading.current?.focus();
      },
    });
  };

  return (
    <section aria-labelledby="conversations-heading" className="conversations">
      <h3 id="conversations-heading" ref={heading} tabIndex={-1}>
        Your conversations about {name}
      </h3>
      <p aria-live="polite" className="status-line">
        {said}
      </p>
      {rename.isError ? <ErrorMessage error={rename.error} /> : null}
      {remove.isError ? <ErrorMessage error={remove.error} /> : null}
      {items.length === 0 ? (
        <p className="empty">No conversations yet. Only you can see your conversations.</p>
      ) : (
        <ul className="conversation-list" aria-label="Your conversations">
          {items.map((conversation) =>
            renaming === conversation.id ? (
              <RenameRow
                key={conversation.id}
                conversation={conversation}
                busy={rename.isPending}
                onCancel={() => closeRename(conversation.id)}
                onSave={(title) =>
                  rename.mutate(
                    { id: conversation.id, title },
                    {
                      onSuccess: () => {
                        closeRename(conversation.id);
                        setSaid(`Conversation renamed to “${title}”.`);
                      },
                    },
                  )
                }
              />
            ) : (
              <li key={conversation.id} className="conversation-row">
                <div>
                  <Link
                    to={`?tab=ask&conversation=${conversation.id}`}
                    aria-current={conversation.id === currentId ? 'true' : undefined}
                    onClick={() => onOpen(conversation.id)}
                  >
                    {conversation.title}
                  </Link>
                  <p className="meta">{formatDateTime(conversation.updated_at)}</p>
                </div>
                <div className="actions">
                  <button
                    type="button"
                    id={`rename-button-${conversation.id}`}
                    className="button-secondary button-small"
                    aria-label={`Rename “${conversation.title}”`}
                    onClick={() => {
                      setSaid('');
                      setRenaming(conversation.id);
                    }}
                  >
                    Rename
                  </button>
                  <button
                    type="button"
                    className="button-danger button-small"
                    aria-label={`Delete “${conversation.title}”`}
                    disabled={remove.isPending}
                    onClick={() => confirmDelete(conversation)}
                  >
                    Delete
                  </button>
                </div>
              </li>
            ),
          )}
        </ul>
      )}
      {conversations.hasNextPage ? (
        <button
          type="button"
          className="button-secondary"
          disabled={conversations.isFetchingNextPage}
          onClick={() => void conversations.fetchNextPage()}
        >
          {conversations.isFetchingNextPage ? 'Loading…' : 'Show older conversations'}
        </button>
      ) : null}
      {items.length > 0 ? (
        <p className="hint">Only you can see your conversations. Deleting one removes it for good.</p>
      ) : null}
    </section>
  );
}

function RenameRow({
  conversation,
  busy,
  onSave,
  onCancel,
}: {
  conversation: Conversation;
  busy: boolean;
  onSave: (title: string) => void;
  onCancel: () => void;
}) {
  const [title, setTitle] = useState(conversation.title);
  const inputId = `rename-${conversation.id}`;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (title.trim()) onSave(title.trim());
  };
  return (
    <li className="conversation-row">
      <form onSubmit={submit} className="rename-form">
        <label htmlFor={inputId}>New title</label>
        <input
          id={inputId}
          value={title}
          maxLength={200}
          required
          // The field replaces the button that opened it: focus follows.
          autoFocus
          onChange={(e) => setTitle(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') onCancel();
          }}
        />
        <div className="actions">
          <button type="submit" className="button button-small" disabled={busy || !title.trim()}>
            Save title
          </button>
          <button type="button" className="button-secondary button-small" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </li>
  );
}
