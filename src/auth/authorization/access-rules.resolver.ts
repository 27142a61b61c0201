import { Field, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { AccessAudit } from './access-audit';
import { AdminOnly, describeRule } from './access.decorator';
import { Scope } from './scopes';

@ObjectType('OperationAccess')
export class OperationAccessModel {
  @Field({ description: 'Query, Mutation, Subscription, or the resolver class of a field resolver.' }) type!: string;
  @Field() field!: string;
  @Field({ description: 'public, signed-in, or the scope needed ("admin …" for administrators only, "(direct)" when refused while acting for someone).' }) rule!: string;
}

/** The authorization policy as the running gateway enforces it, for administrators' audits. */
@Resolver()
export class AccessRulesResolver {
  constructor(private readonly audit: AccessAudit) {}

  @AdminOnly(Scope.Admin)
  @Query(() => [OperationAccessModel], { description: 'Every GraphQL operation and field resolver with the access rule it declares (administrators only).' })
  accessRules(): OperationAccessModel[] {
    return this.audit
      .operations()
      .map((o) => ({ type: o.type, field: o.field, rule: o.rule ? describeRule(o.rule) : 'UNDECLARED' }))
      .sort((a, b) => `${a.type}.${a.field}`.localeCompare(`${b.type}.${b.field}`));
  }
}
