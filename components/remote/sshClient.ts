// The runner's own SSH, with the system `ssh` client, for what the command provider cannot do:
// read a small file from a host at program time (the snapshot status a stack exports) and stream
// a large file off a host (`npm run snapshot`). The private key only ever sits in a 0600 file in a
// 0700 temp dir for the duration of the calls, and is never on a command line or in the output.

import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** One host as the runner reaches it. */
export interface SshTarget {
    readonly host: string;
    readonly port: number;
    readonly user: string;
}

/** How to authenticate and check the host. */
export interface SshAuth {
    /** Private key file (0600). */
    readonly keyFile: string;
    /**
     * known_hosts to check host keys against (`StrictHostKeyChecking=yes`). Without it any host
     * key is accepted, as the command provider does without `hostKey` (`insecureSkipHostKeyCheck`).
     */
    readonly knownHostsFile?: string;
}

export interface SshResult {
    readonly code: number;
    readonly stdout: string;
    readonly stderr: string;
}

/** Seconds for the TCP connection and key exchange: a host that is gone fails fast. */
const CONNECT_TIMEOUT_SECONDS = 5;

/** `ssh` arguments that run `command` (one shell string, built with shell.ts) on the target. */
export function sshArgs(target: SshTarget, auth: SshAuth, command: string): string[] {
    const hostKeys = auth.knownHostsFile !== undefined
        ? ["-o", "StrictHostKeyChecking=yes", "-o", `UserKnownHostsFile=${auth.knownHostsFile}`]
        : ["-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null"];
    return [
        "-i", auth.keyFile,
        "-p", String(target.port),
        "-o", "BatchMode=yes",
        "-o", "IdentitiesOnly=yes",
        "-o", `ConnectTimeout=${CONNECT_TIMEOUT_SECONDS}`,
        "-o", "LogLevel=ERROR",
        ...hostKeys,
        "--",
        `${target.user}@${target.host}`,
        command,
    ];
}

/**
 * Runs `command` on the target. With `stdoutTo`, stdout is streamed into that file (created
 * 0600) instead of being collected. Never rejects on a non-zero exit; kills ssh after `timeoutMs`.
 */
export function runSsh(target: SshTarget, auth: SshAuth, command: string, opts: { timeoutMs: number; stdoutTo?: string }): Promise<SshResult> {
    return new Promise((resolve) => {
        const child = spawn("ssh", sshArgs(target, auth, command), { stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        const sink = opts.stdoutTo !== undefined ? fs.createWriteStream(opts.stdoutTo, { mode: 0o600 }) : undefined;
        if (sink !== undefined) child.stdout.pipe(sink);
        else child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
        child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
        const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs);
        child.on("error", (e) => {
            clearTimeout(timer);
            resolve({ code: 255, stdout, stderr: `${stderr}${e.message}` });
        });
        child.on("close", (code, signal) => {
            clearTimeout(timer);
            const done = (): void => resolve({ code: code ?? (signal !== null ? 124 : 255), stdout, stderr: signal === "SIGKILL" ? `${stderr}timed out after ${opts.timeoutMs} ms` : stderr });
            if (sink !== undefined) sink.end(done);
            else done();
        });
    });
}

/** A known_hosts line pinning `hostKey` (`<type> <base64>`) for the target, as OpenSSH writes it. */
export function knownHostsLine(target: SshTarget, hostKey: string): string {
    return `${target.port === 22 ? target.host : `[${target.host}]:${target.port}`} ${hostKey.trim()}`;
}

/**
 * Calls `f` with the key in a private temp file and, for the targets with a pinned host key, a
 * known_hosts file of those keys; both are removed afterwards whatever happens. Targets without
 * a key (`insecureSkipHostKeyCheck`) get no file: any host key is accepted then.
 */
export async function withSshAuth<T>(privateKey: string, pinned: readonly { target: SshTarget; hostKey?: string }[], f: (auth: SshAuth) => Promise<T>): Promise<T> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "etcdhosts-ssh-"));
    try {
        fs.chmodSync(dir, 0o700);
        const keyFile = path.join(dir, "key");
        // ssh refuses a key without a final newline ("invalid format").
        fs.writeFileSync(keyFile, privateKey.endsWith("\n") ? privateKey : `${privateKey}\n`, { mode: 0o600 });
        const lines = pinned.flatMap((p) => (p.hostKey !== undefined ? [knownHostsLine(p.target, p.hostKey)] : []));
        if (lines.length === 0) return await f({ keyFile });
        const knownHostsFile = path.join(dir, "known_hosts");
        fs.writeFileSync(knownHostsFile, `${lines.join("\n")}\n`, { mode: 0o600 });
        return await f({ keyFile, knownHostsFile });
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}
