// The one error type of bad input: every problem found, one `field: message` line each, so an
// operator fixes them in one go. Thrown by the config parser and by the plan.

/** The configuration is invalid. `problems` holds one `field: message` line per mistake. */
export class ConfigError extends Error {
    constructor(
        readonly problems: readonly string[],
        readonly warnings: readonly string[] = [],
    ) {
        super(`invalid etcdhosts configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems.map((x) => `  - ${x}`).join("\n")}`);
        this.name = "ConfigError";
    }
}
