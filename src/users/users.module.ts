import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { READER } from '../database/data-source-options.js';
import { UserEntity } from './user.entity.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

/** Owns users; other modules create, look up and change accounts through UsersService. */
@Module({
  imports: [TypeOrmModule.forFeature([UserEntity], READER)],
  providers: [UsersRepository, UsersService],
  exports: [UsersService],
})
export class UsersModule {}
