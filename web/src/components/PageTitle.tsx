import { useEffect, useRef } from 'react';

/**
 * The page's `<h1>`. It sets the document title and takes focus when the page
 * opens, so screen-reader and keyboard users land at the new page's start
 * after client-side navigation.
 */
export function PageTitle({ children, documentTitle }: { children: React.ReactNode; documentTitle: string }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${documentTitle} · Mosaic Life`;
  }, [documentTitle]);
  useEffect(() => {
    heading.current?.focus({ preventScroll: true });
  }, []);
  return (
    <h1 ref={heading} tabIndex={-1} className="page-title">
      {children}
    </h1>
  );
}
