import { badInput } from '../common/domain-error';

/** No directory name is this long; refusing it spares the directory a pointless search. */
export const MAX_USERNAME = 256;

/**
 * Characters no user name contains: control characters (C0 with NUL, DEL, C1), invisible format
 * characters (zero-width space, soft hyphen, BOM, bidi marks: LDAP's string preparation maps many of
 * them to nothing, so they only make spellings), lone surrogates and line/paragraph separators.
 */
const FORBIDDEN = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u;
const EDGE_SPACE = /^\s|\s$/u;

const ALLOWED = `1 to ${MAX_USERNAME} characters, without leading or trailing whitespace, control characters (U+0000–U+001F, U+007F–U+009F) or invisible format characters`;

function codePoint(ch: string): string {
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Refuses a login name that is no one's name: a directory compares names ignoring surrounding spaces
 * and some invisible characters, so such a name would reach an entry while looking like another user
 * to everything keyed by the text (the rate limiter once was). Throws BAD_USER_INPUT naming the field.
 */
export function checkLoginName(username: string): void {
  const chars = [...username];
  let problem: string | null = null;
  if (username.length === 0) problem = 'it is empty';
  else if (username.length > MAX_USERNAME) problem = `it has ${username.length} characters`;
  else if (EDGE_SPACE.test(username)) problem = `it ${/^\s/u.test(username) ? 'starts' : 'ends'} with whitespace (${codePoint(/^\s/u.test(username) ? chars[0] : chars[chars.length - 1])})`;
  else {
    const at = chars.findIndex((c) => FORBIDDEN.test(c));
    if (at >= 0) problem = `it contains ${codePoint(chars[at])} at position ${at + 1}`;
  }
  if (problem) throw badInput(`username is not a valid user name: ${problem}; a user name is ${ALLOWED}`, { field: 'username', allowed: ALLOWED });
}

/**
 * The key a user name is counted under: NFKC and lower case, as LDAP's caseIgnoreMatch compares
 * (RFC 4518 string preparation), so spellings the directory treats as one name are one key. Used for
 * the directory's own `uid` value of the entry found and, when none is found, for the name as given.
 */
export function nameKey(name: string): string {
  return name.normalize('NFKC').toLowerCase();
}
