// The benchmark's shell scripts, run against a bed: the floor's certificates (once), the floor
// itself, and the clean-up that puts hosts back to the image's state between runs.

import * as path from "node:path";
import { run } from "../../test/support/etcdClient";
import type { Inventory } from "../../test/support/testbed";

const BENCH_DIR = path.resolve(__dirname, "..");

async function script(name: string, args: string[], timeoutMs: number): Promise<string> {
    const r = await run("bash", [path.join(BENCH_DIR, name), ...args], { timeoutMs });
    if (r.code !== 0) throw new Error(`bench/${name} ${args.join(" ")} failed (exit ${r.code}):\n${r.stderr.trim()}`);
    return r.stdout;
}

/** A CA, per-host server and peer certificates and an admin client certificate, into `dir`. */
export async function generateFloorCerts(inventory: Inventory, dir: string): Promise<void> {
    await script("gen-certs.sh", [inventory.path, dir], 120_000);
}

/** Brings up the floor cluster on the first `size` hosts; resolves with its milliseconds. */
export async function floor(inventory: Inventory, size: number, certDir: string): Promise<number> {
    const out = await script("floor.sh", [inventory.path, String(size), certDir], 300_000);
    const ms = Number(out.trim().split("\n").pop());
    if (!Number.isFinite(ms)) throw new Error(`bench/floor.sh printed no duration: ${JSON.stringify(out)}`);
    return ms;
}

/** Stops etcd and removes what the floor or the product left on the first `size` hosts (default all). */
export async function cleanHosts(inventory: Inventory, size?: number): Promise<void> {
    await script("clean-hosts.sh", [inventory.path, ...(size === undefined ? [] : [String(size)])], 300_000);
}
