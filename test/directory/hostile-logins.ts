/** Logins the seed directory must refuse, whatever layer is asked: [what, user name, password]. */
export const REFUSED_LOGINS: [string, string, string][] = [
  ['a wrong password', 'alice', 'bob-secret'],
  ['an empty password (an unauthenticated bind would succeed)', 'alice', ''],
  ['an unknown user', 'mallory', 'alice-secret'],
  ['a locked user (disabledFilter)', 'dave', 'dave-secret'],
  ['the filter wildcard "*"', '*', 'alice-secret'],
  ['a wildcard prefix', 'ali*', 'alice-secret'],
  ['a filter break-out ")(uid=*"', ')(uid=*', 'alice-secret'],
  ['an OR injection "alice)(|(uid=*"', 'alice)(|(uid=*', 'alice-secret'],
  ['a NUL byte', 'alice\u0000', 'alice-secret'],
];
