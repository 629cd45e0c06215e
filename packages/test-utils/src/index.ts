// What hakmem's tests share; see README.md.
export * from './config.js';
export * from './box-variant.js';
export * from './cover.js';
