import { Link } from 'react-router-dom';
import type { Legacy } from '../api/types';
import { lifeSpan } from '../format';
import { ROLE_LABEL } from '../roles';

/** A legacy in a list: name (linked), dates, and the person's role in it. */
export function LegacyListItem({ legacy, action }: { legacy: Legacy; action?: React.ReactNode }) {
  const span = lifeSpan(legacy.birth_date, legacy.death_date);
  return (
    <li className="card legacy-item">
      <div>
        <h3>
          <Link to={`/legacies/${legacy.id}`}>{legacy.name}</Link>
        </h3>
        {span ? <p className="meta">{span}</p> : null}
      </div>
      <div className="legacy-item-side">
        {legacy.my_role ? <span className={`badge role-${legacy.my_role}`}>{ROLE_LABEL[legacy.my_role]}</span> : null}
        {action}
      </div>
    </li>
  );
}
