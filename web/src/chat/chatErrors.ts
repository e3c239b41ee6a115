import { ApiError } from '../api/ApiError';

/** "in about 3 hours" / "in about 20 minutes" / "in a minute". */
export function waitPhrase(seconds: number): string {
  if (seconds >= 5400) return `in about ${Math.round(seconds / 3600)} hours`;
  if (seconds >= 3000) return 'in about an hour';
  if (seconds > 90) return `in about ${Math.round(seconds / 60)} minutes`;
  return 'in a minute or so';
}

function detail(error: ApiError, name: string): number | undefined {
  const details = error.details as Record<string, unknown> | undefined;
  const value = details?.[name];
  return typeof value === 'number' ? value : undefined;
}

/**
 * What to tell the person when asking failed, in plain words (no codes,
 * no jargon): the families using this may be grieving and are rarely
 * technical. `code` is the API's error code, from the HTTP refusal or the
 * stream's `error` event.
 */
export function chatErrorMessage(error: unknown): string {
  if (!(error instanceof ApiError)) return 'Something went wrong. Please try again.';
  switch (error.code) {
    case 'AI_QUOTA_EXCEEDED': {
      const perDay = detail(error, 'messages_per_day');
      const retry = detail(error, 'retry_after_seconds');
      const limit = perDay ? `You have asked ${perDay} questions today, which is the daily limit.` : 'You have reached the daily limit of questions.';
      return `${limit} You can ask again ${retry !== undefined ? waitPhrase(retry) : 'tomorrow'}.`;
    }
    case 'AI_OFF':
      return 'The companion has been switched off on this site, so it cannot answer right now. All the stories are still here.';
    case 'AI_UNAVAILABLE':
      return 'The companion cannot be reached at the moment. Please try again in a little while.';
    case 'AI_TIMEOUT':
      return 'The companion took too long to answer. Please try again.';
    case 'AI_UPSTREAM_ERROR':
      return 'The companion had a problem answering. Please try again in a little while.';
    case 'NETWORK':
      return error.message;
    case 'PROTOCOL':
    case 'CUT':
      return 'The answer was cut off before it finished. Please try again.';
    default:
      break;
  }
  switch (error.status) {
    case 401:
      return 'You are no longer signed in. Please sign in again to ask.';
    case 404:
      return 'This conversation could not be found. It may have been deleted.';
    case 409:
      return 'This conversation is about someone else. Start a new one here.';
    case 422:
      return error.message;
    case 503:
      return 'The companion is not available at the moment. Please try again in a little while.';
    default:
      return 'Something went wrong on our side. Please try again in a little while.';
  }
}
