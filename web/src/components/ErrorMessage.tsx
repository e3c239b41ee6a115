import { errorMessage } from '../api/ApiError';

interface ErrorMessageProps {
  error: unknown;
  /** What failed, e.g. "Could not load the stories." */
  title?: string;
  onRetry?: () => void;
}

/** A failure, with the server's message and an optional "Try again". */
export function ErrorMessage({ error, title, onRetry }: ErrorMessageProps) {
  return (
    <div className="error-box" role="alert">
      {title ? <p className="error-title">{title}</p> : null}
      <p>{errorMessage(error)}</p>
      {onRetry ? (
        <button type="button" className="button-secondary" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}
