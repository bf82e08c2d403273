/** Bad input or environment: reported as one line, exit code 2, nothing written. */
export class UsageError extends Error {}
