import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { ACCESS_RULE, type AccessRule } from './access.decorator';

// @nestjs/graphql's method metadata (graphql.constants): the root type, or the field-resolver flag; the name when not the method's.
const RESOLVER_NAME = 'graphql:resolver_name';
const RESOLVER_TYPE = 'graphql:resolver_type';
const RESOLVER_PROPERTY = 'graphql:resolve_property';

export interface DeclaredOperation {
  /** "Query", "Mutation", "Subscription", or the resolver class for a field resolver. */
  type: string;
  field: string;
  where: string;
  rule: AccessRule | undefined;
}

/**
 * Every GraphQL resolver method of the app with the rule it declares. The API refuses to start when
 * one declares none (the guard would refuse it anyway; this makes the mistake loud at once), and the
 * access tests compare this list with the schema.
 */
@Injectable()
export class AccessAudit implements OnApplicationBootstrap {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  operations(): DeclaredOperation[] {
    const found: DeclaredOperation[] = [];
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as object | undefined;
      if (!instance || !wrapper.metatype) continue;
      const proto = Object.getPrototypeOf(instance) as Record<string, (...args: unknown[]) => unknown>;
      for (const method of this.scanner.getAllMethodNames(proto)) {
        const handler = proto[method];
        const type = this.reflector.get<unknown>(RESOLVER_TYPE, handler);
        const isRoot = type === 'Query' || type === 'Mutation' || type === 'Subscription';
        if (!isRoot && !this.reflector.get<boolean | undefined>(RESOLVER_PROPERTY, handler)) continue;
        const field = this.reflector.get<string | undefined>(RESOLVER_NAME, handler) ?? method;
        const rootType = isRoot ? type : wrapper.name.toString();
        const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [handler, wrapper.metatype as new () => unknown]);
        found.push({ type: rootType, field, where: `${wrapper.name.toString()}.${method}`, rule });
      }
    }
    return found;
  }

  onApplicationBootstrap(): void {
    const undeclared = this.operations().filter((o) => !o.rule);
    if (undeclared.length) throw new Error(`GraphQL operations without an access rule (see src/auth/authorization/access.decorator.ts): ${undeclared.map((o) => o.where).join(', ')}`);
  }
}
