// A client of a deployed cluster from the runner, for the end-to-end tests: the toolchain's
// etcdctl with the stack's CA and admin client certificate, and a bounded write loop.
//
// The certificate files live in a private temp dir (0700, key 0600) removed by dispose(). The
// write loop talks to etcd's gRPC gateway (`POST /v3/kv/put`, on by default in 3.6) over mutual
// TLS with one keep-alive connection, because spawning an etcdctl every 20 ms would load the
// runner more than the cluster under test; reads and checks go through etcdctl.

import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as https from "node:https";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "./sandboxStack";

/** The toolchain's etcdctl 3.6 (toolchain/env.sh exports its directory). */
export function toolchainEtcdctl(): string {
  const dir =
    process.env.ETCDHOSTS_ETCD_DIR_3_6 ??
    execFileSync("bash", ["-c", `. toolchain/lib.sh; echo "$(component_path etcd-3.6)/bin"`], { cwd: REPO_ROOT, encoding: "utf8" }).trim();
  return path.join(dir, "etcdctl");
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program without a shell; never rejects on a non-zero exit, kills it after `timeoutMs`. */
export function run(file: string, args: string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<ExecResult> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { encoding: "utf8", timeout: opts.timeoutMs ?? 30_000, killSignal: "SIGKILL", maxBuffer: 64 * 1024 * 1024, env: opts.env ?? process.env },
      (err, stdout, stderr) => {
        if (err === null) return resolve({ code: 0, stdout, stderr });
        // A number is the exit code; anything else (killed on timeout, not found) is reported as 125.
        const exit = (err as { code?: unknown }).code;
        resolve({ code: typeof exit === "number" ? exit : 125, stdout, stderr: typeof exit === "number" ? stderr : `${stderr}${err.message}` });
      },
    );
  });
}

/** What a client needs from a stack's outputs (`up()` returns them with secrets shown). */
export interface ClusterAccess {
  clientEndpoints: string[];
  caCertPem: string;
  adminCertPem: string;
  adminKeyPem: string;
}

export function accessFromOutputs(outputs: Record<string, unknown>): ClusterAccess {
  const str = (k: string): string => {
    const v = outputs[k];
    if (typeof v !== "string" || v === "") throw new Error(`stack output ${k} missing or not a string`);
    return v;
  };
  const endpoints = outputs.clientEndpoints;
  if (!Array.isArray(endpoints) || endpoints.length === 0) throw new Error("stack output clientEndpoints missing");
  return { clientEndpoints: endpoints as string[], caCertPem: str("caCertPem"), adminCertPem: str("adminCertPem"), adminKeyPem: str("adminKeyPem") };
}

/** Bounds and pacing of {@link EtcdClient.startWriteLoop}. */
export interface WriteLoopOptions {
  /** Key prefix; keys are `${prefix}${index, zero-padded}`. */
  prefix: string;
  /** One write starts every this many ms (a write that takes longer delays the next, no bursts). */
  intervalMs: number;
  /** Hard bound on the number of writes. */
  maxWrites: number;
  /** Hard bound on the loop's duration. */
  maxDurationMs: number;
  /** Attempts per write (first try included) before it counts as failed. Defaults to 5. */
  attempts?: number;
  /** Timeout of one attempt. Defaults to 3000 ms. */
  attemptTimeoutMs?: number;
}

export interface FailedWrite {
  key: string;
  errors: string[];
}

export interface WriteLoopResult {
  /** Writes etcd acknowledged (HTTP 200 with a response header), key to value. */
  acknowledged: Map<string, string>;
  /** Writes whose every attempt failed. */
  failed: FailedWrite[];
  /** Writes that needed more than one attempt, with the errors of the failed attempts. */
  retried: FailedWrite[];
  /** Writes started. */
  writes: number;
  /** Why the loop ended. */
  stoppedBy: "stop" | "maxWrites" | "maxDuration";
  durationMs: number;
}

export interface WriteLoop {
  /** Ends the loop after the write in flight and resolves with the result. */
  stop(): Promise<WriteLoopResult>;
  /** Resolves when the loop ends on its own bounds (or after stop()). */
  done: Promise<WriteLoopResult>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * etcdctl and a writer against one cluster with the admin client certificate. Call dispose()
 * (removes the key) when done.
 */
export class EtcdClient {
  readonly dir: string;
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly endpoints: string[];
  readonly etcdctlPath: string;
  private readonly agent: https.Agent;

  constructor(access: ClusterAccess) {
    this.endpoints = [...access.clientEndpoints];
    this.etcdctlPath = toolchainEtcdctl();
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "etcdhosts-client-"));
    fs.chmodSync(this.dir, 0o700);
    this.caFile = path.join(this.dir, "ca.crt");
    this.certFile = path.join(this.dir, "admin.crt");
    this.keyFile = path.join(this.dir, "admin.key");
    fs.writeFileSync(this.caFile, access.caCertPem, { mode: 0o644 });
    fs.writeFileSync(this.certFile, access.adminCertPem, { mode: 0o644 });
    fs.writeFileSync(this.keyFile, access.adminKeyPem, { mode: 0o600 });
    // One connection per member, kept alive: the writer reconnects only when a member goes away.
    this.agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca: access.caCertPem, cert: access.adminCertPem, key: access.adminKeyPem });
  }

  static fromOutputs(outputs: Record<string, unknown>): EtcdClient {
    return new EtcdClient(accessFromOutputs(outputs));
  }

  /** The TLS flags of the admin client. */
  tlsArgs(): string[] {
    return [`--cacert=${this.caFile}`, `--cert=${this.certFile}`, `--key=${this.keyFile}`];
  }

  /**
   * `etcdctl <args>` against every member (or `opts.endpoints`) with the admin certificate, or
   * with `opts.tlsArgs` instead (e.g. a foreign certificate, or none).
   */
  etcdctl(args: string[], opts: { endpoints?: string[]; tlsArgs?: string[]; timeoutMs?: number } = {}): Promise<ExecResult> {
    const endpoints = opts.endpoints ?? this.endpoints;
    const env = { ...process.env };
    // Only what this call says: no ETCDCTL_* of the caller's shell.
    for (const k of Object.keys(env)) if (k.startsWith("ETCDCTL_")) delete env[k];
    return run(
      this.etcdctlPath,
      [`--endpoints=${endpoints.join(",")}`, ...(opts.tlsArgs ?? this.tlsArgs()), "--dial-timeout=5s", "--command-timeout=10s", ...args],
      { timeoutMs: opts.timeoutMs ?? 60_000, env },
    );
  }

  /** Like etcdctl(), but throws with the output unless it exits 0; returns stdout. */
  async etcdctlOk(args: string[], opts: { endpoints?: string[]; timeoutMs?: number } = {}): Promise<string> {
    const r = await this.etcdctl(args, opts);
    if (r.code !== 0) throw new Error(`etcdctl ${args.join(" ")} failed (exit ${r.code}):\n${r.stdout}${r.stderr}`);
    return r.stdout;
  }

  /**
   * Every key under `prefix` with its value (a linearizable read). Keys and values come back
   * base64-encoded from `-w json`, so any bytes survive.
   */
  async getPrefix(prefix: string): Promise<Map<string, string>> {
    const out = await this.etcdctlOk(["get", "--prefix", prefix, "-w", "json"], { timeoutMs: 120_000 });
    const parsed = JSON.parse(out) as { kvs?: { key: string; value?: string }[]; count?: number };
    const kvs = parsed.kvs ?? [];
    const m = new Map<string, string>();
    for (const kv of kvs) m.set(Buffer.from(kv.key, "base64").toString("utf8"), Buffer.from(kv.value ?? "", "base64").toString("utf8"));
    if ((parsed.count ?? 0) !== kvs.length) throw new Error(`get --prefix ${prefix}: count ${parsed.count} but ${kvs.length} kvs returned`);
    return m;
  }

  /** One put through the gRPC gateway of `endpoint`; resolves on etcd's acknowledgement, rejects otherwise. */
  put(endpoint: string, key: string, value: string, timeoutMs: number): Promise<void> {
    const body = JSON.stringify({ key: Buffer.from(key).toString("base64"), value: Buffer.from(value).toString("base64") });
    const url = new URL("/v3/kv/put", endpoint);
    return new Promise((resolve, reject) => {
      const req = https.request(
        url,
        {
          method: "POST",
          agent: this.agent,
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
          signal: AbortSignal.timeout(timeoutMs),
        },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (d: string) => (text += d));
          res.on("end", () => {
            // Acknowledged means: 200 and a response header carrying the revision of the write.
            if (res.statusCode === 200 && /"revision"/.test(text)) resolve();
            else reject(new Error(`HTTP ${res.statusCode}: ${text.trim().slice(0, 300)}`));
          });
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  }

  /**
   * Writes `${prefix}NNNNNN` keys one after the other, starting one every `intervalMs`, until
   * stop() is called or a bound (`maxWrites`, `maxDurationMs`) is reached.
   *
   * A write whose attempt fails or times out (a member restarting, a leader change in flight) is
   * retried on the next member, at most `attempts` times in all with a short backoff, with the
   * same value: a put is idempotent, so an attempt that timed out but was applied anyway does no
   * harm. Only a write whose every attempt failed counts as failed.
   */
  startWriteLoop(opts: WriteLoopOptions): WriteLoop {
    const attempts = opts.attempts ?? 5;
    const attemptTimeoutMs = opts.attemptTimeoutMs ?? 3000;
    const result: WriteLoopResult = { acknowledged: new Map(), failed: [], retried: [], writes: 0, stoppedBy: "stop", durationMs: 0 };
    let stopping = false;
    let current = 0; // the member this client talks to, like a real client's pinned endpoint
    const start = Date.now();
    const loop = async (): Promise<WriteLoopResult> => {
      for (let i = 0; ; i++) {
        if (stopping) {
          result.stoppedBy = "stop";
          break;
        }
        if (i >= opts.maxWrites) {
          result.stoppedBy = "maxWrites";
          break;
        }
        if (Date.now() - start >= opts.maxDurationMs) {
          result.stoppedBy = "maxDuration";
          break;
        }
        const tick = Date.now();
        const key = `${opts.prefix}${String(i).padStart(6, "0")}`;
        const value = `value-${i}-${start}`;
        result.writes++;
        const errors: string[] = [];
        for (let a = 0; a < attempts; a++) {
          const endpoint = this.endpoints[current % this.endpoints.length];
          try {
            await this.put(endpoint, key, value, attemptTimeoutMs);
            result.acknowledged.set(key, value);
            break;
          } catch (e) {
            errors.push(`${endpoint}: ${(e as Error).message}`);
            current++;
            await sleep(100 * (a + 1));
          }
        }
        if (!result.acknowledged.has(key)) result.failed.push({ key, errors });
        else if (errors.length > 0) result.retried.push({ key, errors });
        // The next write starts intervalMs after this one started; a slow write delays it, and
        // the loop never catches up in a burst.
        const wait = tick + opts.intervalMs - Date.now();
        await sleep(wait > 0 ? wait : 0);
      }
      result.durationMs = Date.now() - start;
      return result;
    };
    const done = loop();
    return {
      done,
      stop: async () => {
        stopping = true;
        return done;
      },
    };
  }

  /** Removes the certificate files and closes the writer's connections. */
  dispose(): void {
    this.agent.destroy();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
