import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../../common/auth/auth.decorators.js';
import { HealthDto } from './health.dto.js';
import { HealthService } from './health.service.js';

@ApiTags('service')
@Controller('health')
export class HealthController {
  constructor(private readonly service: HealthService) {}

  @Get()
  @Public()
  @ApiOkResponse({
    type: HealthDto,
    description: 'Every dependency is up: `{status:"ok", checks:{database:"up", redis:"up"}}`',
  })
  @ApiServiceUnavailableResponse({
    type: HealthDto,
    description: 'A dependency is down; the failing check reads "down".',
  })
  async health(@Res({ passthrough: true }) res: FastifyReply): Promise<HealthDto> {
    const report = await this.service.check();
    res.status(report.status === 'ok' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return report;
  }
}
