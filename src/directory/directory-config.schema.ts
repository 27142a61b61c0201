import { z } from 'zod';

/**
 * The `directory` section of the site file (README "Directory (LDAP)"). Filters are LDAP filter
 * templates: `{username}`, `{dn}` and `{gidNumber}` are replaced by the RFC 4515-escaped value,
 * never pasted raw, so a user name cannot change a filter's meaning.
 */

const filter = z
  .string()
  .trim()
  .regex(/^\(.*\)$/s, 'an LDAP filter in parentheses, e.g. "(uid={username})"');
const attribute = z.string().regex(/^[A-Za-z][A-Za-z0-9-]*$|^[0-9]+(\.[0-9]+)+$/, 'an LDAP attribute name');

const attributesSchema = z
  .object({
    username: attribute.default('uid'),
    uidNumber: attribute.default('uidNumber'),
    gidNumber: attribute.default('gidNumber'),
    home: attribute.default('homeDirectory'),
    shell: attribute.default('loginShell'),
    groupName: attribute.default('cn'),
    groupGidNumber: attribute.default('gidNumber'),
    /** A group lists members by user name (posixGroup); null = not used. */
    memberUid: attribute.nullable().default('memberUid'),
    /** A group lists members by DN (groupOfNames, Active Directory `group`); null = not used. */
    member: attribute.nullable().default('member'),
  })
  .strict();

export const directorySchema = z
  .object({
    /** ldap://host[:port] or ldaps://host[:port]. */
    url: z.string().regex(/^ldaps?:\/\/[^/\s]+\/?$/, 'ldap://host[:port] or ldaps://host[:port]'),
    /** Upgrade an ldap:// connection with StartTLS before any bind. */
    startTls: z.boolean().default(false),
    tls: z
      .object({
        /** PEM file of the CA(s) that signed the server certificate; default: Node's trusted CAs. */
        caFile: z.string().min(1).optional(),
        /** Never turn off outside a test directory: passwords cross this connection. */
        rejectUnauthorized: z.boolean().default(true),
      })
      .strict()
      .default({ rejectUnauthorized: true }),
    /** Service account that searches the directory; absent = anonymous search. */
    bindDn: z.string().min(1).optional(),
    bindPassword: z.string().min(1).optional(),
    /** Or read the service password from this file (first line). */
    bindPasswordFile: z.string().min(1).optional(),
    userBase: z.string().min(1),
    /** Finds the one user who logs in. */
    userFilter: filter.default('(uid={username})'),
    /** Finds every user of the site, for the periodic sync. */
    userListFilter: filter.default('(objectClass=posixAccount)'),
    /** Users matching this are disabled (refused at login, disabled at sync); absent = none. */
    disabledFilter: filter.optional(),
    /** Only members of this group may use the gateway; absent = every user found. */
    requiredGroup: z.string().min(1).optional(),
    groupBase: z.string().min(1),
    /** Which entries under groupBase are groups. */
    groupFilter: filter.default('(|(objectClass=posixGroup)(objectClass=groupOfNames))'),
    /** Members of this group are gateway administrators. */
    adminGroup: z.string().min(1).optional(),
    attributes: attributesSchema.default(attributesSchema.parse({})),
    /** Seconds between syncs of the users table with the directory (done by the worker). */
    syncIntervalSeconds: z.number().int().min(1).max(86_400).default(300),
    /** Lifetime of the API token `login` returns. */
    tokenLifetimeDays: z.number().int().min(1).max(3650).default(30),
    /** Milliseconds an LDAP operation may take. */
    timeoutMs: z.number().int().min(100).max(120_000).default(5000),
    loginRateLimit: z
      .object({
        /**
         * Failed logins allowed per user, and per client address, within the window (which starts at
         * the first attempt). A user is counted under the directory's own `uid` for the entry the name
         * finds, so every spelling shares one count; an address is the client's (X-Forwarded-For only
         * from `security.trustedProxies`), an IPv6 client's /64.
         */
        maxFailuresPerUser: z.number().int().min(1).max(10_000).default(5),
        maxFailuresPerAddress: z.number().int().min(1).max(100_000).default(50),
        windowSeconds: z.number().int().min(1).max(86_400).default(300),
      })
      .strict()
      .default({ maxFailuresPerUser: 5, maxFailuresPerAddress: 50, windowSeconds: 300 }),
  })
  .strict()
  .refine((d) => !(d.bindPassword && d.bindPasswordFile), { message: 'give bindPassword or bindPasswordFile, not both', path: ['bindPasswordFile'] })
  .refine((d) => !d.bindDn || d.bindPassword || d.bindPasswordFile, { message: 'bindDn needs bindPassword or bindPasswordFile', path: ['bindPassword'] })
  .refine((d) => !(d.startTls && d.url.startsWith('ldaps:')), { message: 'startTls is for ldap:// URLs; ldaps:// is TLS already', path: ['startTls'] })
  .refine((d) => d.attributes.memberUid || d.attributes.member, { message: 'at least one of memberUid and member must name an attribute', path: ['attributes'] });

export type DirectoryConfig = z.output<typeof directorySchema>;
