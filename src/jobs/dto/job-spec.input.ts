import { jobSpecInputSchema } from '../../domain/job';
import { inputTypeFromSchema } from '../../graphql/zod-input-type';

/** `submitJob`'s input: the JobSpec schema's fields as GraphQL sees them. The schema, not GraphQL, validates it. */
export const JobSpecInputType = inputTypeFromSchema(
  jobSpecInputSchema(),
  'JobSpecInput',
  'A JobSpec, as `hpcg sbatch --test-only --json` prints it. Absent fields get the value sbatch gives an absent option; `script` is required.',
);
