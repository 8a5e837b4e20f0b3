export * from './constants';
export * from './frame-error';
export * from './frame';
export * from './encoder';
export * from './messages';
export * from './frame-decoder';
export * from './frame-format';
