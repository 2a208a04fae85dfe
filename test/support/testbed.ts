// A typed API over testbed/tb for the end-to-end tests: beds of real systemd hosts
// (systemd-nspawn containers in their own network namespaces) reachable over SSH.
// Everything goes through the CLI, so a test does exactly what a developer can do by hand.
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/** The `tb` CLI, found relative to this file so the tests run from any checkout. */
export const TB = path.resolve(__dirname, "../../testbed/tb");

/** One host of a bed, as written by `tb up` in the bed's inventory.json. */
export interface InventoryHost {
  /** Host name, also resolvable on every host of the bed (`h1`, `h2`, ...). */
  name: string;
  /** IPv4 address on the bed's /24 (`10.213.0.11` for h1 of the default bed). */
  address: string;
  /** The SSH user with the sandbox key: `root`. */
  sshUser: string;
  sshPort: number;
}

/** Keep in step with testbed/lib/inventory.sh. */
export interface Inventory {
  bed: string;
  /** The bed's network, e.g. `10.213.0.0/24`. */
  subnet: string;
  /** The runner's address on the bed's bridge: the only other address hosts can reach. */
  runnerAddress: string;
  /** Name of the image the hosts run (`base`). */
  image: string;
  /** Sandbox-only ed25519 key authorised for root and for `sudoUser` on every host. */
  sshPrivateKeyPath: string;
  /** known_hosts with every host's keys under its name and address. */
  knownHostsPath: string;
  /** A non-root user with passwordless sudo (`deploy`). */
  sudoUser: string;
  hosts: InventoryHost[];
  /** Where this inventory was read from. */
  path: string;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Written to the command's standard input (closed afterwards). */
  stdin?: string;
  /** Kill the command after this long. Defaults to 120 s. */
  timeoutMs?: number;
}

export interface HostOptions extends RunOptions {
  /** Bed of the host. Defaults to `default` (the `dev` stack's addresses). */
  bed?: string;
}

export interface SshOptions extends HostOptions {
  /** Login user. Defaults to `root`; the inventory's `sudoUser` tests the sudo path. */
  user?: string;
}

/** A host by number (2), name ("h2") or inventory entry. */
export type HostRef = number | string | InventoryHost;

const DEFAULT_TIMEOUT_MS = 120_000;

/** tb processes still running, so an interrupted test can stop them before tearing down. */
const running = new Set<ReturnType<typeof spawn>>();

function hostArg(host: HostRef): string {
  if (typeof host === "number") return String(host);
  if (typeof host === "string") return host;
  return host.name;
}

function bedArgs(bed: string | undefined): string[] {
  return bed === undefined ? [] : ["--bed", bed];
}

/** Runs `tb args...` and resolves with its exit code and output (never rejects on exit code). */
export function runTb(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(TB, args, { stdio: ["pipe", "pipe", "pipe"] });
    running.add(child);
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    child.on("error", (err) => {
      running.delete(child);
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code, signal) => {
      running.delete(child);
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
    // A remote command that never reads stdin must not fail the write.
    child.stdin.on("error", () => undefined);
    child.stdin.end(opts.stdin ?? "");
  });
}

/** Like runTb, but throws with tb's own error output when it fails. */
async function tbOrThrow(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const r = await runTb(args, opts);
  if (r.code !== 0) {
    throw new Error(`tb ${args.join(" ")} failed (exit ${r.code}):\n${r.stderr.trim()}`);
  }
  return r;
}

export function readInventory(file: string): Inventory {
  const raw = JSON.parse(fs.readFileSync(file, "utf8")) as Omit<Inventory, "path">;
  return { ...raw, path: file };
}

/**
 * A fresh bed of `hosts` hosts, booted and answering SSH. Whatever an earlier run left of a bed
 * with the same name is torn down first. Builds the cached image on first use (about a minute).
 */
export async function upBed(opts: { hosts: number; bed?: string; timeoutMs?: number }): Promise<Inventory> {
  const r = await tbOrThrow(["up", String(opts.hosts), ...bedArgs(opts.bed)], {
    timeoutMs: opts.timeoutMs ?? 600_000,
  });
  const file = r.stdout.trim().split("\n").pop() ?? "";
  return readInventory(file);
}

/** Tears the bed down: hosts, mounts, cgroups, namespaces, links. Never fails on leftovers. */
export async function downBed(bed?: string): Promise<void> {
  await tbOrThrow(["down", ...bedArgs(bed)]);
}

/** Clean poweroff. */
export async function stopHost(host: HostRef, opts: HostOptions = {}): Promise<void> {
  await tbOrThrow(["stop", hostArg(host), ...bedArgs(opts.bed)], opts);
}

/** Crash: SIGKILL of the host's init. The host stays down until startHost. */
export async function killHost(host: HostRef, opts: HostOptions = {}): Promise<void> {
  await tbOrThrow(["kill", hostArg(host), ...bedArgs(opts.bed)], opts);
}

/** Boots a stopped or killed host again (its disk is kept) and waits for SSH. */
export async function startHost(host: HostRef, opts: HostOptions = {}): Promise<void> {
  await tbOrThrow(["start", hostArg(host), ...bedArgs(opts.bed)], opts);
}

/** Reboot from inside the host; resolves once SSH is back. */
export async function restartHost(host: HostRef, opts: HostOptions = {}): Promise<void> {
  await tbOrThrow(["restart", hostArg(host), ...bedArgs(opts.bed)], opts);
}

/** Network partition: takes the host off the bed's bridge. */
export async function cutHost(host: HostRef, opts: HostOptions = {}): Promise<void> {
  await tbOrThrow(["cut", hostArg(host), ...bedArgs(opts.bed)], opts);
}

/** Puts a cut host back on the bridge. */
export async function healHost(host: HostRef, opts: HostOptions = {}): Promise<void> {
  await tbOrThrow(["heal", hostArg(host), ...bedArgs(opts.bed)], opts);
}

/** Runs a shell command on the host over SSH (sandbox key, strict host key checking). */
export function sshHost(host: HostRef, command: string, opts: SshOptions = {}): Promise<RunResult> {
  const user = opts.user === undefined ? [] : ["--user", opts.user];
  return runTb(["ssh", ...bedArgs(opts.bed), ...user, hostArg(host), command], opts);
}

/** Runs a shell command inside the host without SSH (nsenter), for when SSH is under test. */
export function execHost(host: HostRef, command: string, opts: HostOptions = {}): Promise<RunResult> {
  return runTb(["exec", ...bedArgs(opts.bed), hostArg(host), "bash", "-c", command], opts);
}

export interface BedStatus {
  bed: string;
  up: boolean;
  hosts: { name: string; address: string; state: "running" | "booting" | "stopped"; link: "up" | "cut" }[];
}

export async function bedStatus(bed?: string): Promise<BedStatus> {
  const r = await tbOrThrow(["status", "--json", ...bedArgs(bed)]);
  return JSON.parse(r.stdout) as BedStatus;
}

/**
 * Makes sure the bed is torn down even when the test process is interrupted (SIGINT, SIGTERM) or
 * exits without reaching its own teardown. Call right before upBed; the returned function
 * unregisters the handlers (call it after a normal downBed).
 */
export function registerBedTeardown(bed?: string): () => void {
  let done = false;
  // On exit only synchronous work runs, hence spawnSync.
  const teardown = () => {
    if (done) return;
    done = true;
    // A `tb up` in flight holds the bed's lock: SIGTERM makes it abort and tear down what it
    // made, then `tb down` (which waits for the lock) removes the rest.
    for (const child of running) child.kill("SIGTERM");
    spawnSync(TB, ["down", ...bedArgs(bed)], { stdio: "inherit", timeout: 120_000 });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    teardown();
    // Exit as the signal would have; a listener replaces Node's default of exiting.
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.on("exit", teardown);
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return () => {
    done = true;
    process.off("exit", teardown);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  };
}
