// compose's tests share their helpers with the slot packages' tests: @hakmem/test-utils.
export * from '@hakmem/test-utils';
