import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../auth/authorization/access.decorator';
import { HealthService } from './health.service';

@Controller()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** Liveness: the process answers. */
  @Public()
  @Get('healthz')
  @HttpCode(200)
  healthz() {
    return { status: 'ok' };
  }

  /** Readiness: PostgreSQL, Redis and every engine answer; 503 with what failed otherwise. */
  @Public()
  @Get('readyz')
  async readyz(@Res({ passthrough: true }) res: Response) {
    const report = await this.health.check();
    res.status(report.ready ? 200 : 503);
    return report;
  }
}
