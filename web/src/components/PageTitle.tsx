import { useEffect, useRef } from 'react';

/** The first page of a visit keeps the browser's own focus (so Tab reaches the skip link first). */
let isFirstPageOfVisit = true;

/**
 * The page's `<h1>`. It sets the document title and, after client-side
 * navigation, takes focus so that screen-reader and keyboard users land at
 * the new page's start.
 */
export function PageTitle({ children, documentTitle }: { children: React.ReactNode; documentTitle: string }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${documentTitle} · Mosaic Life`;
  }, [documentTitle]);
  useEffect(() => {
    if (isFirstPageOfVisit) {
      isFirstPageOfVisit = false;
      return;
    }
    heading.current?.focus({ preventScroll: true });
  }, []);
  return (
    <h1 ref={heading} tabIndex={-1} className="page-title">
      {children}
    </h1>
  );
}
