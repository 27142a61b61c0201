// Prisma CLI configuration (generate; `migrate deploy` where the schema engine is available).
// The gateway itself never reads this: its database URL comes from src/config.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/hpcg' },
});
