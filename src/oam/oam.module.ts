import { Global, Module } from '@nestjs/common';
import { ServiceStateService } from './service-state.service';

@Global()
@Module({ providers: [ServiceStateService], exports: [ServiceStateService] })
export class OamModule {}
