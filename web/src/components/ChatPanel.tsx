import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useSearchParams } from 'react-router-dom';
import { isNotFound } from '../api/ApiError';
import { useChatStatus, useConversation } from '../api/chat';
import type { Legacy } from '../api/types';
import { chatErrorMessage } from '../chat/chatErrors';
import { useAnswerStream, type PendingAnswer } from '../chat/useAnswerStream';
import { AnswerMarkdown } from '../markdown/AnswerMarkdown';
import { AnswerBubble, QuestionBubble, Sources, storedCitations } from './ChatThread';
import { ConversationList } from './ConversationList';
import { ErrorMessage } from './ErrorMessage';
import { Loading } from './Loading';

const QUESTION_MAX = 2000;

/** What the status line says about the answer being streamed. */
function statusText(pending: PendingAnswer | null): string {
  if (!pending) return '';
  switch (pending.status) {
    case 'streaming':
      return 'The companion is answering…';
    case 'done':
      return pending.citations.length === 1
        ? 'The answer is complete. It used 1 story.'
        : `The answer is complete. It used ${pending.citations.length} stories.`;
    case 'stopped':
      return 'You stopped the answer.';
    case 'failed':
      return 'The answer could not be completed.';
  }
}

/**
 * "Ask about {name}": questions to the AI companion, answered from the
 * stories the person may read, streamed in, with numbered citations that
 * link to the stories; and the person's conversations about this legacy.
 */
export function ChatPanel({ legacy }: { legacy: Legacy }) {
  const status = useChatStatus();
  const [params, setParams] = useSearchParams();
  const conversationId = params.get('conversation') ?? undefined;
  const conversation = useConversation(conversationId);
  const showConversation = (id: string | undefined) =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        next.set('tab', 'ask');
        if (id) next.set('conversation', id);
        else next.delete('conversation');
        return next;
      },
      { replace: true },
    );
  const answer = useAnswerStream(legacy.id, (id) => showConversation(id));
  const { pending } = answer;
  const [question, setQuestion] = useState('');
  const questionRef = useRef<HTMLTextAreaElement>(null);
  const stopRef = useRef<HTMLButtonElement>(null);
  const threadHeading = useRef<HTMLHeadingElement>(null);
  const [focusThread, setFocusThread] = useState(false);
  const [focusStop, setFocusStop] = useState(false);
  const streaming = pending?.status === 'streaming';

  // Keyboard users who pressed "Ask" land on "Stop" (which takes its place),
  // and back in the question box when the answer ends.
  const wasStreaming = useRef(false);
  useEffect(() => {
    if (streaming && focusStop) {
      stopRef.current?.focus();
      setFocusStop(false);
    }
    const ended = wasStreaming.current && !streaming;
    wasStreaming.current = streaming;
    if (ended && (document.activeElement === document.body || document.activeElement === null)) {
      questionRef.current?.focus();
    }
  }, [streaming, focusStop]);

  // A reopened conversation: focus its title, so screen readers start there.
  useEffect(() => {
    if (focusThread && conversation.isSuccess) {
      threadHeading.current?.focus();
      setFocusThread(false);
    }
  }, [focusThread, conversation.isSuccess]);

  const enabled = status.data?.enabled === true;
  // The pending answer belongs to the conversation shown (not to one left by "back").
  const pendingHere = pending && (pending.conversationId ?? undefined) === conversationId ? pending : null;
  const stored = conversation.data?.messages ?? [];
  const absorbed = pendingHere?.messageId ? stored.some((m) => m.id === pendingHere.messageId) : false;
  const showPending = pendingHere && !absorbed ? pendingHere : null;
  // A stopped or failed answer's question is stored without an answer; shown once, with the partial answer.
  const last = stored.at(-1);
  const shownStored = showPending && last?.role === 'user' && last.content === showPending.question ? stored.slice(0, -1) : stored;

  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    const text = question.trim();
    if (!text || streaming || !enabled) return;
    if (document.activeElement !== questionRef.current) setFocusStop(true);
    setQuestion('');
    void answer.ask(text, conversationId);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    }
  };

  const newConversation = () => {
    answer.clear();
    showConversation(undefined);
    questionRef.current?.focus();
  };

  return (
    <section aria-labelledby="chat-heading" className="chat">
      <h2 id="chat-heading">Ask about {legacy.name}</h2>
      {status.isPending ? <Loading what="the companion" /> : null}
      {status.isError ? (
        <ErrorMessage title="Could not check whether the companion is available." error={status.error} onRetry={() => void status.refetch()} />
      ) : null}
      {status.isSuccess && !enabled ? (
        <p className="notice" role="note">
          The AI companion is switched off on this site, so it cannot answer questions at the moment. Everything else works as usual, and any
          earlier conversations are still listed below.
        </p>
      ) : null}
      {enabled ? (
        <p className="hint">
          Ask a question about {legacy.name}. The companion answers only from the stories you can read here, and numbers the stories it used
          so you can read them yourself. It can misunderstand; the stories are the true record.
        </p>
      ) : null}

      {conversationId ? (
        <div className="chat-thread">
          <h3 ref={threadHeading} tabIndex={-1} className="chat-thread-title">
            {conversation.data?.conversation.title ?? pendingHere?.question ?? 'Conversation'}
          </h3>
          {conversation.isPending && !pendingHere ? <Loading what="conversation" /> : null}
          {conversation.isError ? (
            isNotFound(conversation.error) ? (
              <p className="notice">This conversation could not be found. It may have been deleted.</p>
            ) : (
              <ErrorMessage title="Could not load this conversation." error={conversation.error} onRetry={() => void conversation.refetch()} />
            )
          ) : null}
        </div>
      ) : null}

      <ol className="chat-messages" aria-label="Questions and answers">
        {shownStored.map((message) =>
          message.role === 'user' ? (
            <QuestionBubble key={message.id} text={message.content} />
          ) : (
            <AnswerBubble key={message.id} text={message.content} citations={storedCitations(message)} />
          ),
        )}
        {showPending ? <QuestionBubble text={showPending.question} /> : null}
        {showPending ? (
          <li className="chat-answer chat-answer-live" aria-live="polite" aria-busy={streaming}>
            <p className="chat-who">The companion {streaming ? 'is answering' : 'answered'}</p>
            {showPending.text ? (
              <>
                <AnswerMarkdown source={showPending.text} citations={showPending.citations} />
                <Sources citations={showPending.citations} />
              </>
            ) : streaming ? (
              <p className="meta">Reading the stories…</p>
            ) : null}
            {showPending.status === 'stopped' ? <p className="meta">You stopped this answer, so it is incomplete.</p> : null}
            {showPending.status === 'failed' ? (
              <div className="error-box" role="alert">
                <p>{chatErrorMessage(showPending.error)}</p>
              </div>
            ) : null}
          </li>
        ) : null}
      </ol>
      <p role="status" className="visually-hidden">
        {statusText(pendingHere)}
      </p>

      {enabled ? (
        <form className="chat-form" onSubmit={submit}>
          <label htmlFor="chat-question">Your question about {legacy.name}</label>
          <textarea
            id="chat-question"
            ref={questionRef}
            rows={3}
            maxLength={QUESTION_MAX}
            value={question}
            aria-describedby="chat-question-hint"
            onChange={(e) => setQuestion(e.target.value)}
            onKeyDown={onKeyDown}
          />
          <p id="chat-question-hint" className="hint">
            Press Enter to ask, Shift and Enter for a new line.
          </p>
          <div className="actions">
            {streaming ? (
              <button key="stop" type="button" ref={stopRef} className="button-danger" onClick={answer.stop}>
                Stop
              </button>
            ) : (
              <button key="ask" type="submit" className="button" disabled={!question.trim()}>
                Ask
              </button>
            )}
            {conversationId && !streaming ? (
              <button type="button" className="button-secondary" onClick={newConversation}>
                New conversation
              </button>
            ) : null}
          </div>
        </form>
      ) : null}

      <ConversationList
        legacyId={legacy.id}
        name={legacy.name}
        currentId={conversationId}
        onOpen={(id) => {
          answer.clear();
          if (id !== conversationId) setFocusThread(true);
        }}
        onDeleted={(id) => {
          if (id === conversationId) {
            answer.clear();
            showConversation(undefined);
          }
        }}
      />
    </section>
  );
}
