// A client writing to the cluster every 20 ms while something happens to it (the rolling change),
// timing every write. Like a real etcd client it sticks to one member and, when a write fails,
// retries it on the next member (a put is idempotent); a write fails only when every attempt
// did. Its latency runs from its first attempt to etcd's acknowledgement, retries included.
// The puts go through test/support/etcdClient.ts (gRPC gateway over mutual TLS, kept alive).

import type { EtcdClient } from "../../test/support/etcdClient";

export interface WriteStats {
    writes: number;
    /** Writes whose every attempt failed. */
    failed: number;
    /** Acknowledged writes that needed more than one attempt. */
    retried: number;
    /** Longest time from a write's first attempt to its acknowledgement or final failure. */
    maxLatencyMs: number;
    durationMs: number;
    /** The errors of the first few failed writes, for the report. */
    firstErrors: string[];
}

export interface TimedWrites {
    stop(): Promise<WriteStats>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function startTimedWrites(client: EtcdClient, opts: { prefix: string; intervalMs?: number; attempts?: number; attemptTimeoutMs?: number }): TimedWrites {
    const intervalMs = opts.intervalMs ?? 20;
    const attempts = opts.attempts ?? 5;
    const attemptTimeoutMs = opts.attemptTimeoutMs ?? 3000;
    const stats: WriteStats = { writes: 0, failed: 0, retried: 0, maxLatencyMs: 0, durationMs: 0, firstErrors: [] };
    let stopping = false;
    let member = 0;
    const t0 = performance.now();

    const writeOnce = async (i: number): Promise<void> => {
        const key = `${opts.prefix}${String(i).padStart(7, "0")}`;
        const start = performance.now();
        const errors: string[] = [];
        for (let a = 0; a < attempts; a++) {
            const endpoint = client.endpoints[member % client.endpoints.length];
            try {
                await client.put(endpoint, key, `v${i}`, attemptTimeoutMs);
                break;
            } catch (e) {
                errors.push(`${endpoint}: ${(e as Error).message}`);
                member++;
                if (a < attempts - 1) await sleep(100 * (a + 1));
            }
        }
        stats.maxLatencyMs = Math.max(stats.maxLatencyMs, performance.now() - start);
        if (errors.length === attempts) {
            stats.failed++;
            if (stats.firstErrors.length < 3) stats.firstErrors.push(`${key}: ${errors.join("; ")}`);
        } else if (errors.length > 0) stats.retried++;
    };

    const loop = async (): Promise<WriteStats> => {
        for (let i = 0; !stopping; i++) {
            const tick = performance.now();
            stats.writes++;
            await writeOnce(i);
            // One write starts every intervalMs; a slow one delays the next, no catching up in bursts.
            await sleep(Math.max(0, tick + intervalMs - performance.now()));
        }
        stats.durationMs = performance.now() - t0;
        return stats;
    };
    const done = loop();
    return {
        stop: async () => {
            stopping = true;
            return done;
        },
    };
}
