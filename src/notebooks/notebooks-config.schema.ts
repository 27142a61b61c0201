import { z } from 'zod';
import { IMAGE_REFERENCE, IMAGE_REFERENCE_MESSAGE } from '../domain/job';

/**
 * The `notebooks` section of the site file (notebook contract, "Site configuration"). Grammar checks
 * that need other sections (partitions) or the sbatch grammars happen in resolveNotebooks.
 */

const range = <T extends z.ZodTypeAny>(kind: T) => z.object({ min: kind, max: kind }).strict();
const sizeText = z.union([z.string().min(1), z.number().int().min(0)]).transform((v) => String(v));
/** Images are allowed by exact reference on a Kubernetes engine (src/engines/kubernetes/allowed-images.ts). */
const imageText = z.string().min(1).regex(IMAGE_REFERENCE, IMAGE_REFERENCE_MESSAGE);
const timeText = z.union([z.string().min(1), z.number().int().min(1)]).transform((v) => String(v));

export const profileSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'lowercase letters, digits, "-" and "_", starting with a letter or digit').max(64),
    description: z.string().max(500).default(''),
    /** A configured partition (checked at start-up). */
    partition: z.string().min(1),
    cpus: z.number().int().min(1).max(100_000).default(1),
    /** sbatch memory grammar ("2G", "512M"). */
    memory: sizeText.default('1G'),
    gpus: z.number().int().min(0).max(1024).default(0),
    /** sbatch time grammar; also the notebook's default time. */
    maxTime: timeText,
    image: imageText.optional(),
    /** Absent = everyone the partition admits. */
    allowGroups: z.array(z.string().min(1)).optional(),
    command: z.string().min(1).optional(),
    userOptions: z
      .object({
        cpus: range(z.number().int().min(1)).optional(),
        memory: range(sizeText).optional(),
        gpus: range(z.number().int().min(0)).optional(),
        time: range(timeText).optional(),
        image: z.object({ choices: z.array(imageText).min(1) }).strict().optional(),
      })
      .strict()
      .default({}),
  })
  .strict();

export const notebooksSchema = z
  .object({
    /** How a job reaches the gateway to register; default http://<HPCG_HOST>:<API port>. */
    gatewayUrl: z.string().url().optional(),
    command: z.string().min(1).default('jupyterhub-singleuser'),
    python: z.string().min(1).default('python3'),
    ports: z
      .string()
      .regex(/^\d{1,5}-\d{1,5}$/, 'a port range "FROM-TO", e.g. "9000-9999"')
      .refine((v) => {
        const [a, b] = v.split('-').map(Number);
        return a >= 1 && b <= 65535 && a <= b;
      }, 'FROM and TO between 1 and 65535, FROM <= TO')
      .optional(),
    /**
     * [FROM, TO]: the ports a server may register (inclusive). A registration is a request to proxy the
     * hub's users to host:port, so privileged and well-known service ports stay out by default.
     */
    portRange: z
      .tuple([z.number().int().min(1).max(65535), z.number().int().min(1).max(65535)])
      .refine(([a, b]) => a <= b, 'FROM <= TO')
      .default([1024, 65535]),
    /** Seconds from job RUNNING to READY before the notebook is FAILED and its job cancelled. */
    startTimeout: z.number().int().min(5).max(86_400).default(300),
    profiles: z.array(profileSchema).default([]),
  })
  .strict();

export type NotebooksConfigInput = z.input<typeof notebooksSchema>;
export type NotebooksConfig = z.output<typeof notebooksSchema>;
export type ProfileConfig = z.output<typeof profileSchema>;
