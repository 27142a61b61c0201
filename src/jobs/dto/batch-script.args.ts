import { ArgsType, Field } from '@nestjs/graphql';
import { ArrayMaxSize, IsOptional, IsString, MaxLength } from 'class-validator';
import GraphQLJSON from 'graphql-type-json';

@ArgsType()
export class BatchScriptArgs {
  @Field(() => String, { nullable: true, description: 'Script body; null only with --wrap in args' })
  @IsOptional()
  @IsString()
  script?: string | null;

  @Field(() => [String], { nullable: true, description: 'sbatch options as on the command line' })
  @IsOptional()
  @ArrayMaxSize(10_000)
  @IsString({ each: true })
  @MaxLength(1_000_000, { each: true })
  args?: string[];

  @Field(() => [String], { nullable: true, description: "Arguments after the script name ($1 …)" })
  @IsOptional()
  @ArrayMaxSize(10_000)
  @IsString({ each: true })
  @MaxLength(1_000_000, { each: true })
  scriptArgs?: string[];

  @Field(() => GraphQLJSON, { nullable: true, description: "The submitter's environment: SBATCH_* input variables and what --export=ALL passes" })
  @IsOptional()
  env?: unknown;

  @Field(() => String, { nullable: true, description: 'The absolute directory sbatch ran in (SLURM_SUBMIT_DIR, default working directory)' })
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  cwd?: string | null;

  @Field(() => String, { nullable: true, description: 'Script file name (default job name); null when read from stdin' })
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  scriptName?: string | null;
}

/** The `env` argument as a string map, or a clear error. */
export function envFromArg(env: unknown): Record<string, string> {
  if (env === undefined || env === null) return {};
  if (typeof env !== 'object' || Array.isArray(env)) throw new TypeError('env must be an object of NAME: value strings');
  const entries = Object.entries(env as Record<string, unknown>);
  if (entries.length > 10_000) throw new TypeError('env has more than 10000 variables');
  for (const [k, v] of entries) {
    if (typeof v !== 'string') throw new TypeError(`env.${k} must be a string`);
    if (k.includes('\0') || v.includes('\0')) throw new TypeError(`env.${k} contains a NUL byte`);
  }
  return env as Record<string, string>;
}
