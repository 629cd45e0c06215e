/** An error meant for the user: the CLI prints its message, without a stack trace. */
export class HakmemError extends Error {
  override name = 'HakmemError';
}

/** The config is wrong: unknown variant, slot, box or tunable, bad value, unmet capability. */
export class HakmemConfigError extends HakmemError {
  override name = 'HakmemConfigError';
}

/** Building a variant failed: no compiler, or a compile or link error (its output is in the message). */
export class HakmemBuildError extends HakmemError {
  override name = 'HakmemBuildError';
}
