import { Filter } from 'ldapts';

/**
 * Fills a filter template's `{name}` placeholders with RFC 4515-escaped values: `*`, `(`, `)`, `\`
 * and NUL become `\2a`, `\28`, `\29`, `\5c`, `\00`, so a value can only ever be compared, never
 * change the filter. An unknown placeholder is an error, not an empty string.
 */
export function fillFilter(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{([A-Za-z]+)\}/g, (_m, name: string) => {
    if (!(name in values)) throw new Error(`unknown placeholder {${name}} in LDAP filter ${template}`);
    return Filter.escape(String(values[name]));
  });
}

/** `(&a b)`, leaving out absent parts; a single part is returned as it is. */
export function andFilters(...parts: (string | null | undefined)[]): string {
  const present = parts.filter((p): p is string => !!p);
  return present.length === 1 ? present[0] : `(&${present.join('')})`;
}

export function notFilter(filter: string | null | undefined): string | null {
  return filter ? `(!${filter})` : null;
}
