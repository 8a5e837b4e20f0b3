export * from './vici-wire';
export * from './vici-client';
export * from './swanctl-connection';
