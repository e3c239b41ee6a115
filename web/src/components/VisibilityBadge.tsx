import type { Visibility } from '../api/types';
import { VISIBILITY_INFO } from '../visibility';

/** A small label saying who can read a story; the explanation is its tooltip. */
export function VisibilityBadge({ visibility }: { visibility: Visibility }) {
  const info = VISIBILITY_INFO[visibility];
  return (
    <span className={`badge badge-${visibility}`} title={info.explanation}>
      <span className="visually-hidden">Visible to: </span>
      {info.label}
    </span>
  );
}
