import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from './client';

/** Which sign-in buttons work on this server (Google/OIDC only when configured and reachable). */
export function useSignInMethods() {
  return useQuery({
    queryKey: ['sign-in-methods'],
    queryFn: () => unwrap(api.GET('/auth/providers')),
    staleTime: 5 * 60_000,
  });
}
