/** An error the user caused (bad arguments, unreadable config, engine unreachable): exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}
