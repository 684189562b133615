import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PcpUpdateEvent } from './entities/pcp-update-event.entity.js';
import { PcpUpdateRequest } from './entities/pcp-update-request.entity.js';
import { PcpAccessRequestsController, StaffPcpUpdatesController } from './pcp-updates.controller.js';
import { PcpUpdatesScheduler } from './pcp-updates.scheduler.js';
import { PcpUpdatesService } from './pcp-updates.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([PcpUpdateRequest, PcpUpdateEvent])],
  controllers: [PcpAccessRequestsController, StaffPcpUpdatesController],
  providers: [PcpUpdatesService, PcpUpdatesScheduler],
  exports: [PcpUpdatesService],
})
export class PcpUpdatesModule {}
