// npm run snapshot -- --stack <name> [--now] [--member <name>] [--out <dir>] [--ssh-key <file>] [--known-hosts <file>]
//
// Pulls the newest verified snapshot of a stack's cluster to this machine (pitfalls P14): asks
// every snapshot host of the stack (its `snapshots` output) for its status file, takes the newest
// last success, streams that file over SSH into a 0600 file in --out (default: the current
// directory), checks its sha256 against what the host recorded and, when an etcdutl is at hand
// (the toolchain's), runs `etcdutl snapshot status` on it. Prints what it got as JSON.
// --now first takes a snapshot at once on the first host that can (`etcdhosts-snapshot now`).
//
// The SSH key: --ssh-key, else the test bed's key for a sandbox stack npm start recorded (run.sh
// passes it), else the stack's own `sshPrivateKey` secret. Host keys: --known-hosts when given,
// else the keys the stack pins (its `snapshots` output carries them); a stack that pins none
// (insecureSkipHostKeyCheck) gets no check, as its own SSH steps don't.

import { execFileSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { SNAPSHOT_DIR, SNAPSHOT_FILE_PREFIX, SNAPSHOT_SCRIPT, SNAPSHOT_STATUS_FILE } from "../components/constants";
import { SnapshotStatus, parseSnapshotStatus } from "../components/etcd/snapshotStatus";
import { asLoginUser, asRoot } from "../components/remote/shell";
import { SshAuth, SshTarget, runSsh, withSshAuth } from "../components/remote/sshClient";

const ROOT = path.resolve(__dirname, "..");

export interface SnapshotArgs {
    stack: string;
    now: boolean;
    member?: string;
    out: string;
    sshKey?: string;
    knownHosts?: string;
}

const USAGE = "usage: npm run snapshot -- --stack <name> [--now] [--member <name>] [--out <dir>] [--ssh-key <file>] [--known-hosts <file>]";

/** The command line; throws the usage with what is wrong. */
export function parseArgs(argv: readonly string[], cwd: string): SnapshotArgs {
    const out: Partial<SnapshotArgs> = { now: false, out: cwd };
    const value = (i: number, flag: string): string => {
        const v = argv[i + 1];
        if (v === undefined || v.startsWith("--")) throw new Error(`${flag} needs a value\n${USAGE}`);
        return v;
    };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--now") out.now = true;
        else if (a === "--stack" || a === "-s") out.stack = value(i++, a);
        else if (a === "--member") out.member = value(i++, a);
        else if (a === "--out") out.out = path.resolve(cwd, value(i++, a));
        else if (a === "--ssh-key") out.sshKey = path.resolve(cwd, value(i++, a));
        else if (a === "--known-hosts") out.knownHosts = path.resolve(cwd, value(i++, a));
        else throw new Error(`unknown argument ${JSON.stringify(a)}\n${USAGE}`);
    }
    if (out.stack === undefined) throw new Error(`--stack is required\n${USAGE}`);
    return out as SnapshotArgs;
}

/** A host's answer: its member, where it is and its status. */
export interface HostStatus {
    member: string;
    target: SshTarget;
    status: SnapshotStatus;
}

/** The host whose last success is the newest (a later revision breaks a tie), or undefined. */
export function newestSnapshot(hosts: readonly HostStatus[]): HostStatus | undefined {
    const ok = hosts.filter((h) => h.status.lastSuccess !== undefined && h.status.file !== undefined && SNAPSHOT_NAME.test(h.status.file));
    return ok.sort((a, b) => (b.status.lastSuccess! > a.status.lastSuccess! ? 1 : b.status.lastSuccess! < a.status.lastSuccess! ? -1 : (b.status.revision ?? 0) - (a.status.revision ?? 0)))[0];
}

/** What a snapshot file may be called: nothing else is ever read off a host. */
const SNAPSHOT_NAME = new RegExp(`^${SNAPSHOT_FILE_PREFIX}[a-z0-9.-]+-[0-9]{8}T[0-9]{6}Z\\.db$`);

function pulumi(args: string[]): string {
    return execFileSync("pulumi", [...args, "--non-interactive"], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 16 << 20 });
}

/** The stack's snapshot hosts from its `snapshots` output, with the host keys the stack pins. */
function snapshotHosts(stack: string): { member: string; target: SshTarget; hostKey?: string }[] {
    const raw = JSON.parse(pulumi(["stack", "output", "snapshots", "--json", "--stack", stack])) as Record<string, { ssh: SshTarget & { hostKey?: string } }> | null;
    const hosts = Object.entries(raw ?? {}).map(([member, r]) => ({
        member,
        target: { host: r.ssh.host, port: r.ssh.port, user: r.ssh.user },
        ...(r.ssh.hostKey !== undefined ? { hostKey: r.ssh.hostKey } : {}),
    }));
    if (hosts.length === 0) throw new Error(`stack ${stack} has no snapshot hosts (backups: false, or no \`pulumi up\` since they were turned on)`);
    return hosts;
}

function sshKey(args: SnapshotArgs): string {
    if (args.sshKey !== undefined) return fs.readFileSync(args.sshKey, "utf8");
    const sandbox = process.env.ETCDHOSTS_SSH_KEY_FILE;
    if (sandbox && process.env.ETCDHOSTS_SSH_KEY_STACK === args.stack) return fs.readFileSync(sandbox, "utf8");
    return pulumi(["config", "get", "sshPrivateKey", "--stack", args.stack]);
}

/** A local etcdutl (the toolchain's), if there is one. */
function localEtcdutl(): string | undefined {
    for (const v of ["ETCDHOSTS_ETCD_DIR_3_6", "ETCDHOSTS_ETCD_DIR_3_5"]) {
        const dir = process.env[v];
        if (dir && fs.existsSync(path.join(dir, "etcdutl"))) return path.join(dir, "etcdutl");
    }
    return undefined;
}

const log = (s: string): void => void process.stderr.write(`${s}\n`);

export async function pullSnapshot(args: SnapshotArgs): Promise<Record<string, unknown>> {
    const hosts = snapshotHosts(args.stack).filter((h) => args.member === undefined || h.member === args.member);
    if (hosts.length === 0) throw new Error(`member ${args.member} takes no snapshots in stack ${args.stack}`);
    const unpinned = hosts.filter((h) => h.hostKey === undefined);
    if (args.knownHosts === undefined && unpinned.length > 0) log(`note: the stack pins no host key for ${unpinned.map((h) => h.member).join(", ")} (insecureSkipHostKeyCheck): not checked; pass --known-hosts <file> to check them`);
    return withSshAuth(sshKey(args), args.knownHosts === undefined ? hosts : [], async (pinned) => {
        // --known-hosts wins; else the keys the stack itself pins (its `snapshots` output).
        const auth: SshAuth = args.knownHosts !== undefined ? { keyFile: pinned.keyFile, knownHostsFile: args.knownHosts } : pinned;
        let candidates = hosts;
        if (args.now) {
            const taken = await firstThatSnapshots(hosts, auth);
            candidates = [taken];
        }
        const statuses: HostStatus[] = [];
        for (const h of candidates) {
            const r = await runSsh(h.target, auth, asLoginUser(`cat ${SNAPSHOT_STATUS_FILE} 2>/dev/null || true`), { timeoutMs: 30_000 });
            if (r.code === 0) statuses.push({ ...h, status: parseSnapshotStatus(r.stdout) });
            else log(`${h.member}: cannot read its status: ${r.stderr.trim()}`);
        }
        const best = newestSnapshot(statuses);
        if (best === undefined) throw new Error(`no verified snapshot on any snapshot host of stack ${args.stack} (${statuses.map((s) => `${s.member}: ${s.status.result}`).join(", ")})`);
        return download(best, auth, args.out);
    });
}

/** `etcdhosts-snapshot now` on each host in turn until one takes a snapshot. */
async function firstThatSnapshots(hosts: { member: string; target: SshTarget }[], auth: SshAuth): Promise<{ member: string; target: SshTarget }> {
    for (const h of hosts) {
        const r = await runSsh(h.target, auth, asRoot(`${SNAPSHOT_SCRIPT} now`, h.target.user), { timeoutMs: 30 * 60_000 });
        if (r.code === 0) return h;
        log(`${h.member}: no snapshot now: ${r.stderr.trim()}`);
    }
    throw new Error("no member could take a snapshot now");
}

async function download(h: HostStatus, auth: SshAuth, outDir: string): Promise<Record<string, unknown>> {
    const s = h.status;
    const file = s.file as string;
    fs.mkdirSync(outDir, { recursive: true });
    const final = path.join(outDir, file);
    const tmp = path.join(outDir, `.tmp.${file}`);
    try {
        const r = await runSsh(h.target, auth, asRoot(`cat -- ${SNAPSHOT_DIR}/${file}`, h.target.user), { timeoutMs: 60 * 60_000, stdoutTo: tmp });
        if (r.code !== 0) throw new Error(`${h.member}: cannot read ${SNAPSHOT_DIR}/${file}: ${r.stderr.trim()}`);
        const sha256 = crypto.createHash("sha256").update(fs.readFileSync(tmp)).digest("hex");
        if (sha256 !== s.sha256) throw new Error(`${file} arrived with sha256 ${sha256}, the host recorded ${s.sha256}`);
        const etcdutl = localEtcdutl();
        if (etcdutl !== undefined) {
            const st = JSON.parse(execFileSync(etcdutl, ["snapshot", "status", "-w", "json", tmp], { encoding: "utf8" })) as { hash: number; revision: number };
            if (st.hash !== s.hash || st.revision !== s.revision) throw new Error(`${file}: etcdutl here reads hash ${st.hash} revision ${st.revision}, the host recorded ${s.hash} ${s.revision}`);
        }
        fs.renameSync(tmp, final);
        return { member: h.member, file: final, takenAt: s.lastSuccess, revision: s.revision, hash: s.hash, totalKeys: s.totalKeys, size: s.size, sha256, verifiedHere: etcdutl !== undefined };
    } finally {
        fs.rmSync(tmp, { force: true });
    }
}

if (require.main === module) {
    let args: SnapshotArgs;
    try {
        args = parseArgs(process.argv.slice(2), process.env.INIT_CWD ?? process.cwd());
    } catch (e) {
        log((e as Error).message);
        process.exit(2);
    }
    pullSnapshot(args).then(
        (r) => console.log(JSON.stringify(r, null, 2)),
        (e: Error & { stderr?: string }) => {
            log(`npm run snapshot: ${e.message}${e.stderr ? `\n${e.stderr}` : ""}`);
            process.exit(1);
        },
    );
}
