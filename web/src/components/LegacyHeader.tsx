import { Link } from 'react-router-dom';
import type { Legacy } from '../api/types';
import { lifeSpan } from '../format';
import { canWrite, isApproved, ROLE_LABEL } from '../roles';
import { ArchiveDownloadButton } from './ArchiveDownloadButton';
import { JoinButton } from './JoinButton';
import { Markdown } from './Markdown';
import { PageTitle } from './PageTitle';

/** Name, dates, biography, and the visitor's place in the legacy. */
export function LegacyHeader({ legacy }: { legacy: Legacy }) {
  const span = lifeSpan(legacy.birth_date, legacy.death_date);
  return (
    <header className="legacy-header">
      <PageTitle documentTitle={legacy.name}>{legacy.name}</PageTitle>
      {span ? <p className="life-span">{span}</p> : null}
      {legacy.biography ? <Markdown source={legacy.biography} className="biography" /> : null}
      <p className="legacy-role">
        {legacy.my_role ? (
          <span className={`badge role-${legacy.my_role}`}>
            {legacy.my_role === 'pending' ? ROLE_LABEL.pending : `You are ${ROLE_LABEL[legacy.my_role].toLowerCase()}`}
          </span>
        ) : null}
        <JoinButton legacy={legacy} />
        {canWrite(legacy.my_role) ? <Link to={`/legacies/${legacy.id}/edit`}>Edit details</Link> : null}
      </p>
      {isApproved(legacy.my_role) ? (
        <ArchiveDownloadButton url={`/api/legacies/${legacy.id}/export`} label="Download this legacy" />
      ) : null}
    </header>
  );
}
