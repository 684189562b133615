import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessRequest } from './entities/access-request.entity.js';

@Module({
  imports: [TypeOrmModule.forFeature([AccessRequest])],
})
export class AccessRequestsModule {}
