/**
 * Why a sign-in with the identity provider failed, by the `?error=` code the
 * server puts on its redirect to `/sign-in` (bin/api/src/sign_in/failure.rs).
 */
const SIGN_IN_ERRORS: Record<string, string> = {
  not_configured: 'Signing in with an identity provider is not set up on this server.',
  rate_limited: 'Too many sign-in attempts. Please wait a minute and try again.',
  provider_unavailable: 'The identity provider cannot be reached. Please try again shortly.',
  access_denied: 'Sign-in was cancelled at the identity provider.',
  provider_error: 'The identity provider reported an error. Please try again.',
  login_expired: 'This sign-in attempt expired or was already used. Please start again.',
  invalid_state: 'This sign-in attempt does not belong to this browser. Please start again.',
  rejected: "The identity provider's answer could not be verified. Please start again.",
  signup_not_allowed:
    "This e-mail address may not create an account here. Ask the family's administrator for an invitation.",
  email_not_verified: 'Your identity provider has not verified your e-mail address.',
  no_email: 'Your identity provider did not share an e-mail address.',
  account_disabled: 'This account is disabled.',
  unavailable: 'A storage service is unavailable. Please try again shortly.',
  internal: 'Something went wrong on our side. It has been logged.',
};

/** The sentence to show for an `?error=` code (a general one for unknown codes). */
export function signInErrorMessage(code: string): string {
  return SIGN_IN_ERRORS[code] ?? 'Signing in did not work. Please try again.';
}
