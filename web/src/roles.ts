import type { Role } from './api/types';

/** How each role is named to people. */
export const ROLE_LABEL: Record<Role, string> = {
  creator: 'Creator',
  editor: 'Editor',
  member: 'Member',
  pending: 'Request pending',
};

/** Approved members may read family stories. */
export function isApproved(role: Role | null | undefined): boolean {
  return role === 'member' || role === 'editor' || role === 'creator';
}

/** Editors and the creator may write stories. */
export function canWrite(role: Role | null | undefined): boolean {
  return role === 'editor' || role === 'creator';
}
