// etcd's timing rules (server/embed/config.go `Validate`), checked at preview time with etcd's own
// messages so an operator recognizes them (pitfalls P11). etcd stops at the first failure; we
// report every one that applies.

import { MAX_ELECTION_TIMEOUT_MS } from "./constants";

/**
 * Problems with a heartbeat / election pair, `field: message`, empty when etcd would accept it.
 * Expects whole, non-negative numbers (the parser checks that first).
 */
export function validateTiming(heartbeatIntervalMs: number, electionTimeoutMs: number): string[] {
    const problems: string[] = [];
    if (heartbeatIntervalMs === 0) {
        problems.push(`heartbeatIntervalMs: --heartbeat-interval must be >0 (set to ${heartbeatIntervalMs}ms)`);
    }
    if (electionTimeoutMs === 0) {
        problems.push(`electionTimeoutMs: --election-timeout must be >0 (set to ${electionTimeoutMs}ms)`);
    }
    if (5 * heartbeatIntervalMs > electionTimeoutMs) {
        problems.push(
            `electionTimeoutMs: --election-timeout[${electionTimeoutMs}ms] should be at least as 5 times as --heartbeat-interval[${heartbeatIntervalMs}ms]`,
        );
    }
    if (electionTimeoutMs > MAX_ELECTION_TIMEOUT_MS) {
        problems.push(
            `electionTimeoutMs: --election-timeout[${electionTimeoutMs}ms] is too long, and should be set less than ${MAX_ELECTION_TIMEOUT_MS}ms`,
        );
    }
    return problems;
}
