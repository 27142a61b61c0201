import { Field, Float, InputType, Int, registerEnumType, type ReturnTypeFuncValue } from '@nestjs/graphql';
import type { Type } from '@nestjs/common';
import GraphQLJSON from 'graphql-type-json';
import { z } from 'zod';

/**
 * GraphQL input types derived from a zod object schema, so the schema stays the one description of
 * an input: nested objects become nested input types (named by their zod `id`), enums become GraphQL
 * enums, whole numbers within 32 bits `Int`; what GraphQL cannot express (records, unions) becomes
 * `JSON`, its shape written in the field's description. GraphQL only shapes the input: the zod
 * schema still validates it. A field the schema defaults or lets be absent is nullable here, so a
 * client may leave it out; an absent field stays absent through GraphQL's coercion.
 */

const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };
const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

interface FieldShape {
  type: ReturnTypeFuncValue;
  nullable: boolean | 'items' | 'itemsAndList';
  description?: string;
}

const inputTypes = new Map<string, Type<unknown>>();
const enumTypes = new Map<string, object>();

const idOf = (schema: z.ZodType): string | undefined => z.globalRegistry.get(schema)?.id;
const pascal = (key: string) => key.charAt(0).toUpperCase() + key.slice(1);

/** The schema inside optional / nullable / default wrappers, whether any allows a missing value, and the first description. */
function unwrap(schema: z.ZodType): { inner: z.ZodType; nullable: boolean; description?: string } {
  let inner = schema;
  let nullable = false;
  let description = schema.description;
  while (inner instanceof z.ZodOptional || inner instanceof z.ZodExactOptional || inner instanceof z.ZodNullable || inner instanceof z.ZodDefault) {
    nullable = true;
    inner = inner.unwrap() as z.ZodType;
    description ??= inner.description;
  }
  return { inner, nullable, description };
}

/** A value given as JSON, described the way a client writes it. */
function jsonShape(schema: z.ZodType): string {
  if (schema instanceof z.ZodNullable) return `${jsonShape(schema.unwrap() as z.ZodType)} | null`;
  // Absent is not a JSON value: an optional or defaulted value is written as the value itself.
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodExactOptional || schema instanceof z.ZodDefault) return jsonShape(schema.unwrap() as z.ZodType);
  if (schema instanceof z.ZodRecord) return `{ "NAME": ${jsonShape(schema.valueType as z.ZodType)} }`;
  if (schema instanceof z.ZodUnion) return (schema.options as z.ZodType[]).map(jsonShape).join(' | ');
  if (schema instanceof z.ZodLiteral) return JSON.stringify(schema.value);
  if (schema instanceof z.ZodNumber) return schema.isInt ? 'integer' : 'number';
  if (schema instanceof z.ZodString) return 'string';
  if (schema instanceof z.ZodBoolean) return 'boolean';
  if (schema instanceof z.ZodArray) return `[${jsonShape(schema.element as z.ZodType)}]`;
  const examples = z.globalRegistry.get(schema)?.examples;
  if (!Array.isArray(examples) || examples.length === 0) return 'any value';
  const [example] = examples as unknown[];
  return `${typeof example === 'object' && example !== null && !Array.isArray(example) ? 'an object' : 'a value'} such as ${JSON.stringify(example)}`;
}

function enumType(schema: z.ZodEnum, name: string): object | null {
  if (!schema.options.every((v) => typeof v === 'string' && GRAPHQL_NAME.test(v))) return null;
  let values = enumTypes.get(name);
  if (!values) {
    values = { ...schema.enum };
    registerEnumType(values, { name });
    enumTypes.set(name, values);
  }
  return values;
}

/** The GraphQL type of a value (nullability aside); `name` names what has no zod id. */
function graphqlType(schema: z.ZodType, name: string): ReturnTypeFuncValue | null {
  if (schema instanceof z.ZodString) return String;
  if (schema instanceof z.ZodBoolean) return Boolean;
  if (schema instanceof z.ZodNumber) {
    const fits = schema.isInt && (schema.minValue ?? -Infinity) >= INT32.min && (schema.maxValue ?? Infinity) <= INT32.max;
    return fits ? Int : Float;
  }
  if (schema instanceof z.ZodEnum) return enumType(schema, idOf(schema) ?? name);
  if (schema instanceof z.ZodObject) return inputTypeFromSchema(schema, `${idOf(schema) ?? name}Input`);
  return null;
}

function fieldShape(schema: z.ZodType, name: string): FieldShape {
  const { inner, nullable, description } = unwrap(schema);
  if (inner instanceof z.ZodArray) {
    const item = unwrap(inner.element as z.ZodType);
    const type = graphqlType(item.inner, name);
    if (type) return { type: [type], nullable: item.nullable ? (nullable ? 'itemsAndList' : 'items') : nullable, description };
  } else {
    const type = graphqlType(inner, name);
    if (type) return { type, nullable, description };
  }
  const json = `Given as JSON: ${jsonShape(schema)}.`;
  return { type: GraphQLJSON, nullable, description: description ? `${description} ${json}` : json };
}

/** The input type `name` for a zod object schema, built once per name (decorators register it with Nest's schema builder). */
export function inputTypeFromSchema(schema: z.ZodObject, name: string, description?: string): Type<unknown> {
  const known = inputTypes.get(name);
  if (known) return known;
  const type = { [name]: class {} }[name];
  inputTypes.set(name, type);
  for (const [key, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
    const shape = fieldShape(field, `${name.replace(/Input$/, '')}${pascal(key)}`);
    Field(() => shape.type, { nullable: shape.nullable, description: shape.description })(type.prototype, key);
  }
  InputType(name, { description: description ?? schema.description })(type);
  return type;
}
