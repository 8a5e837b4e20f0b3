import { Module } from '@nestjs/common';
import { DrainedServers } from './drained-servers';

/**
 * The drained set alone, so the OAM side (which sets it) needs no INSUPC transport: one
 * instance shared by OamModule and InsupcModule (which re-exports it).
 */
@Module({ providers: [DrainedServers], exports: [DrainedServers] })
export class DrainedServersModule {}
