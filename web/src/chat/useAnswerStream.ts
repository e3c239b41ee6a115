import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../api/ApiError';
import { chatKeys } from '../api/chat';
import { streamChat } from '../api/chatStream';
import type { AnswerCitation } from '../markdown/AnswerMarkdown';

/** The answer being streamed (or just streamed) in this tab. */
export interface PendingAnswer {
  question: string;
  text: string;
  citations: AnswerCitation[];
  /** `streaming` → `done` | `stopped` | `failed`. */
  status: 'streaming' | 'done' | 'stopped' | 'failed';
  /** Known from the `start` event on (a new conversation's id comes from there). */
  conversationId?: string;
  /** The stored answer's id, from `done`. */
  messageId?: string;
  error?: unknown;
}

/**
 * Asks the companion and follows its answer as it streams in. `stop()`
 * aborts the request, which makes the server stop the model. Leaving the
 * page stops it too. `onConversation` gets the conversation's id as soon as
 * the server has started the answer.
 */
export function useAnswerStream(legacyId: string, onConversation: (id: string) => void) {
  const [pending, setPending] = useState<PendingAnswer | null>(null);
  const current = useRef<AbortController | null>(null);
  const queryClient = useQueryClient();
  const onConversationRef = useRef(onConversation);
  onConversationRef.current = onConversation;

  useEffect(() => () => current.current?.abort(), []);

  const ask = useCallback(
    async (question: string, conversationId?: string) => {
      current.current?.abort();
      const controller = new AbortController();
      current.current = controller;
      const mine = () => current.current === controller;
      const update = (change: (p: PendingAnswer) => PendingAnswer) => {
        if (mine()) setPending((p) => (p ? change(p) : p));
      };
      let conversation = conversationId;
      setPending({ question, text: '', citations: [], status: 'streaming', conversationId });
      try {
        const end = await streamChat(
          { legacyId, conversationId, question },
          (event) => {
            switch (event.type) {
              case 'start':
                conversation = event.conversation_id;
                update((p) => ({ ...p, conversationId: event.conversation_id }));
                if (mine()) onConversationRef.current(event.conversation_id);
                void queryClient.invalidateQueries({ queryKey: chatKeys.conversations(legacyId) });
                break;
              case 'delta':
                update((p) => ({ ...p, text: p.text + event.text }));
                break;
              case 'citation':
                update((p) => ({
                  ...p,
                  citations: [...p.citations.filter((c) => c.n !== event.n), { n: event.n, storyId: event.story_id, title: event.title }],
                }));
                break;
              case 'done':
                update((p) => ({ ...p, status: 'done', messageId: event.message_id }));
                break;
              case 'error':
                update((p) => ({ ...p, status: 'failed', error: new ApiError(0, event.code, event.message) }));
                break;
            }
          },
          controller.signal,
        );
        if (end === 'stopped') update((p) => ({ ...p, status: 'stopped' }));
        if (end === 'cut') update((p) => ({ ...p, status: 'failed', error: new ApiError(0, 'CUT', 'The answer was cut off.') }));
      } catch (error) {
        update((p) => ({ ...p, status: 'failed', error }));
      } finally {
        if (mine()) current.current = null;
        // The question (and a complete answer) are stored: show them as the server has them.
        if (conversation) void queryClient.invalidateQueries({ queryKey: chatKeys.conversation(conversation) });
        void queryClient.invalidateQueries({ queryKey: chatKeys.conversations(legacyId) });
      }
    },
    [legacyId, queryClient],
  );

  const stop = useCallback(() => current.current?.abort(), []);

  /** Forgets the answer shown (another conversation was opened), stopping it if needed. */
  const clear = useCallback(() => {
    current.current?.abort();
    current.current = null;
    setPending(null);
  }, []);

  return { pending, ask, stop, clear };
}
