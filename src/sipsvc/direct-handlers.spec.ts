import { CanActivate, Controller, Injectable, UseGuards } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { findDirectHandlers } from './direct-handlers';

@Injectable()
class AllowAll implements CanActivate {
  canActivate(): boolean {
    return true;
  }
}

@Controller()
class Plain {
  @MessagePattern('Execute')
  execute(@Payload() req: { n: number }, @Ctx() ctx: { id: number }): unknown {
    return { n: req.n, id: ctx.id, self: this instanceof Plain };
  }

  @MessagePattern('heartbeat')
  heartbeat(...args: unknown[]): unknown {
    return args.length;
  }

  @MessagePattern('guarded')
  @UseGuards(AllowAll)
  guarded(): unknown {
    return 'guarded';
  }

  @MessagePattern('field')
  field(@Payload('n') n: number): unknown {
    return n;
  }
}

describe('findDirectHandlers', () => {
  it('calls plain @MessagePattern methods directly, and leaves enhanced ones to Nest', async () => {
    const app = await Test.createTestingModule({
      controllers: [Plain],
      providers: [AllowAll],
    }).compile();
    const direct = findDirectHandlers(app.get(ModulesContainer));
    expect([...direct.keys()].sort()).toEqual(['execute', 'heartbeat']);
    expect(direct.get('execute')!({ n: 1 }, { id: 2 })).toEqual({ n: 1, id: 2, self: true });
    // like Nest's proxy: a method without @Ctx() gets the payload only
    expect(direct.get('heartbeat')!({}, { id: 2 })).toBe(1);
    await app.close();
  });

  it('leaves everything to Nest when an app-wide enhancer is registered', async () => {
    const app = await Test.createTestingModule({
      controllers: [Plain],
      providers: [AllowAll, { provide: 'APP_GUARD', useClass: AllowAll }],
    }).compile();
    expect(findDirectHandlers(app.get(ModulesContainer)).size).toBe(0);
    await app.close();
  });
});
