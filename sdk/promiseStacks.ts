// Pulumi keeps a stack trace on every output promise a resource makes (one per property, shown only
// when a promise leaks), and under source-map-support each of those traces is formatted frame by
// frame. With twenty properties per profile that was most of a no-change preview's program time at a
// thousand profiles. The resource's own source position is unaffected: Pulumi takes it with its own,
// unlimited stack limit.

/**
 * Makes stack traces empty until the returned function is called; call it in a `finally` right after
 * `super(…)`. Synchronous use only: nothing else runs in between.
 */
export function pausePromiseStacks(): () => void {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  return () => {
    Error.stackTraceLimit = limit;
  };
}
