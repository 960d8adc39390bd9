/** An error the user caused (bad arguments, unreadable config or manifest): exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/**
 * The Docker engine could not do what the probe asked (unreachable, no such image, a build
 * that failed, a container that cannot start): exit code 2, like a usage error, but kept
 * apart so callers can tell "fix your input" from "fix your engine or image".
 */
export class EngineError extends Error {
  override name = "EngineError";
}
