export * from './vici-wire';
export * from './vici-client';
