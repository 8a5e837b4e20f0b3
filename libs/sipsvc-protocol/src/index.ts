export * from './frame-decoder';
export * from './frame-encoder';
export * from './json-stream-splitter';
export * from './length-prefixed-decoder';
export * from './create-frame-decoder';
export * from './sipsvc-client';
export * from './connect-with-timeout';
