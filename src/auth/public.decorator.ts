import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'hpcg:public';
/** Marks a route that needs no token (health, readiness, metrics). Everything else does. */
export const Public = () => SetMetadata(IS_PUBLIC, true);
