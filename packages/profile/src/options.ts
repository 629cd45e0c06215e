// @hakmem/profile/options: what `hakmem profile`'s options default to, without the engine.
export const DEFAULT_PROFILE_VARIANT = 'profiling';
export const DEFAULT_PROFILE_DIR = 'hakmem-profile';
