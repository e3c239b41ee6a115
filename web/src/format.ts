/** A calendar date (`YYYY-MM-DD`) as people read it, without time-zone shifts. */
export function formatDate(isoDate: string): string {
  const [year, month, day] = isoDate.split('-').map(Number);
  if (!year || !month || !day) return isoDate;
  return new Date(Date.UTC(year, month - 1, day)).toLocaleDateString(undefined, {
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    timeZone: 'UTC',
  });
}

/** A moment (RFC 3339) as a local date and time. */
export function formatDateTime(isoDateTime: string): string {
  return new Date(isoDateTime).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** "January 1, 1950 – January 1, 2024", "Born …", "Died …", or an empty string when no dates are known. */
export function lifeSpan(birth?: string | null, death?: string | null): string {
  if (birth && death) return `${formatDate(birth)} – ${formatDate(death)}`;
  if (birth) return `Born ${formatDate(birth)}`;
  if (death) return `Died ${formatDate(death)}`;
  return '';
}

/** A byte count as people read it (KB, MB). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  return `${(bytes / (1024 * 1024 * 1024)).toFixed(1)} GB`;
}
