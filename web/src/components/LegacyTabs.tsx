import { Link } from 'react-router-dom';

/** The sections of a legacy page. */
export type LegacyTab = 'stories' | 'members' | 'media' | 'ask';

const TAB_LABEL: Record<LegacyTab, (name: string) => string> = {
  stories: () => 'Stories',
  members: () => 'Members',
  media: () => 'Photos & videos',
  ask: (name) => `Ask about ${name}`,
};

/**
 * Links to the sections of a legacy page (`?tab=`), so each section has its
 * own address and the browser's back button works.
 */
export function LegacyTabs({ tabs, current, name }: { tabs: LegacyTab[]; current: LegacyTab; name: string }) {
  return (
    <nav aria-label="Legacy sections" className="tabs">
      <ul>
        {tabs.map((tab) => (
          <li key={tab}>
            <Link to={tab === 'stories' ? '?' : `?tab=${tab}`} aria-current={tab === current ? 'page' : undefined} replace>
              {TAB_LABEL[tab](name)}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
