// What the end-to-end files share: a bed booted for one file, a checked command on a host, the
// systemd layout's sandbox config, polling, a failing `up` caught, durations for the log.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import { Inventory, InventoryHost, registerBedTeardown, sshHost, upBed } from "./testbed";
import { SandboxStack, StackConfig, up } from "./sandboxStack";

/** A duration for the test log: "12.3 s". */
export const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/**
 * Boots `hosts` fresh hosts on `bed`, torn down on exit even when the file fails or is killed;
 * call `unregister` after the file's own teardown.
 */
export async function bootBed(bed: string, hosts: number): Promise<{ inv: Inventory; unregister: () => void }> {
    const unregister = registerBedTeardown(bed);
    const t0 = Date.now();
    const inv = await upBed({ hosts, bed });
    console.log(`# bed ${bed} up in ${secs(Date.now() - t0)}`);
    return { inv, unregister };
}

/**
 * The bed's SSH host keys as the `knownHosts` setting (the known_hosts `tb up` wrote for the
 * bed's fresh hosts): every stack on a bed pins them, as the program requires by default.
 */
export function bedKnownHosts(inv: Inventory): string {
    return fs.readFileSync(inv.knownHostsPath, "utf8");
}

/** `command` on `host` over SSH, asserted to exit 0; its trimmed stdout. */
export async function hostOk(bed: string, host: InventoryHost, command: string, timeoutMs = 120_000): Promise<string> {
    const r = await sshHost(host, command, { bed, timeoutMs });
    assert.equal(r.code, 0, `${host.name}: ${command}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
    return r.stdout.trim();
}

/**
 * The three-node systemd layout as the sandbox runs it: etcd 3.6.16 by the `binary` method from
 * the toolchain's build (an empty `etcdBinaryDir` means ETCDHOSTS_ETCD_DIR_3_6), data wiped on
 * destroy.
 */
export function systemdConfig(nodes: StackConfig[], overrides: StackConfig = {}): StackConfig {
    return {
        layout: "systemd",
        sshUser: "root",
        etcdVersion: "3.6.16",
        installMethod: "binary",
        etcdBinaryDir: "",
        wipeDataOnDestroy: true,
        nodes,
        ...overrides,
    };
}

/** Polls `check` every `intervalMs` until it returns a value; fails naming `what` after `timeoutMs`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 250): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const v = await check();
        if (v !== undefined) return v;
        if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs / 1000} s waiting for: ${what}`);
        await new Promise((r) => setTimeout(r, intervalMs));
    }
}

/** Runs an `up` that is expected to fail; its error, or undefined when it succeeded. */
export async function failingUp(stack: SandboxStack): Promise<Error | undefined> {
    try {
        await up(stack);
        return undefined;
    } catch (e) {
        return e as Error;
    }
}
