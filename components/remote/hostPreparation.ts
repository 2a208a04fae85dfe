import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { SshConnectionArgs, sshUser, toRemoteConnection, validateConnection } from "./connection";
import {
    accountScript,
    configDirsScript,
    dataDirScript,
    removeConfigDirsScript,
    validateDataDir,
    wipeDataDirScript,
} from "./hostLayout";
import {
    EtcdInstall,
    INSTALLED_BINARIES,
    StagedBinary,
    binaryInstallScript,
    binaryPaths,
    packageInstallScript,
    parseEtcdVersion,
    preinstalledCheckScript,
    removeBinariesScript,
    tarballInstallScript,
    validateEtcdInstall,
} from "./install";
import { DEBIAN_PACKAGE_DATA_DIR, preflightScript, validateClusterToken, waitForSshScript } from "./preflight";
import { asLoginUser, asRoot, tempPathFor, validateAbsolutePath, validateAccountName } from "./shell";

export { EtcdInstall } from "./install";

/** How long to wait for SSH on a fresh host, and how hard to try. */
export interface SshWaitArgs {
    /**
     * Upper bound for the wait-for-SSH step (`customTimeouts`). Defaults to `"10m"`. Keep it
     * above `dialErrorLimit × (perDialTimeout + 5 s backoff)` so the dial limit trips first: its
     * error names the host and port (`dial tcp 10.0.0.11:22: connect: …`), a timeout doesn't.
     */
    timeout?: string;
    /** Failed dials before giving up. Defaults to `20`. */
    dialErrorLimit?: number;
    /** Seconds per dial attempt. Defaults to `10`. */
    perDialTimeout?: number;
}

export interface HostPreparationArgs {
    /** How to reach the host. A non-root `user` needs passwordless `sudo -n`; that is checked first. */
    connection: SshConnectionArgs;
    /**
     * This cluster's token (etcd `initial-cluster-token`), written as a marker into the data dir.
     * A data dir marked with another token, or holding an unmarked `member/` dir, fails
     * preflight and is never wiped (pitfalls P1, P3). 1-128 of `[A-Za-z0-9._-]`.
     */
    clusterToken: pulumi.Input<string>;
    /** How etcd gets onto the host. */
    install: EtcdInstall;
    /** etcd data dir, `0700` owned by `user`. Defaults to `/var/lib/etcd`. */
    dataDir?: string;
    /** Config dir (`etcd.conf.yml` and friends), `0755 root:root`. Defaults to `/etc/etcd`. */
    configDir?: string;
    /** PKI dir, `0700` owned by `user`. Defaults to `<configDir>/pki`. */
    pkiDir?: string;
    /**
     * System user etcd runs as; created with no login shell if missing. Defaults to `"etcd"`.
     * Pass `"root"` for the static-pod layout, where kubelet runs etcd as root: no account is
     * created then, and the dirs are owned by root.
     */
    user?: string;
    /** Group of `user`. Defaults to the value of `user`. */
    group?: string;
    /**
     * Remove the data dir (`rm -rf`) when this resource is destroyed. Defaults to `false`: the
     * data dir is retained (`retainOnDelete`) and a later cluster with the same token reuses it.
     * Flipping it takes effect after the next `pulumi up` records the new option.
     */
    wipeDataOnDestroy?: boolean;
    /**
     * Largest tolerated lag of the host's clock behind the machine running Pulumi, in seconds.
     * Defaults to `30`. A host further behind would see freshly issued certificates as "not yet
     * valid" (`@pulumi/tls` can't backdate them, pitfalls P10).
     */
    clockSkewThresholdSeconds?: number;
    /**
     * Largest tolerated lead of the host's clock, in seconds. Defaults to `86400` (1 day). A host
     * ahead only sees leaves expire early, which early renewal absorbs, and this bound must also
     * absorb a recorded runner time that is older than the check (see the clock note in the code).
     */
    clockAheadToleranceSeconds?: number;
    /** Ports that must be free, or held by etcd itself. Defaults to `[2379, 2380]`. */
    ports?: number[];
    /** Wait-for-SSH tuning. */
    sshWait?: SshWaitArgs;
}

export const DEFAULT_DATA_DIR = "/var/lib/etcd";
export const DEFAULT_CONFIG_DIR = "/etc/etcd";
export const DEFAULT_ETCD_USER = "etcd";
export const DEFAULT_PORTS: readonly number[] = [2379, 2380];

/** Problems with {@link HostPreparationArgs} (empty when valid). Pure: no filesystem access. */
export function validateHostPreparationArgs(args: HostPreparationArgs): string[] {
    const problems: string[] = [...validateConnection(args.connection, "connection")];
    if (args.clusterToken === undefined) problems.push("clusterToken is required");
    if (typeof args.clusterToken === "string") problems.push(...validateClusterToken(args.clusterToken));
    problems.push(...validateEtcdInstall(args.install, "install"));
    problems.push(...validateDataDir(args.dataDir ?? DEFAULT_DATA_DIR, "dataDir"));
    const configDir = args.configDir ?? DEFAULT_CONFIG_DIR;
    problems.push(...validateAbsolutePath(configDir, "configDir"));
    if (args.pkiDir !== undefined) problems.push(...validateAbsolutePath(args.pkiDir, "pkiDir"));
    if (args.user !== undefined) problems.push(...validateAccountName(args.user, "user"));
    if (args.group !== undefined) problems.push(...validateAccountName(args.group, "group"));
    const behind = args.clockSkewThresholdSeconds;
    if (behind !== undefined && (!Number.isInteger(behind) || behind < 1)) {
        problems.push(`clockSkewThresholdSeconds must be a positive integer, got ${behind}`);
    }
    const ahead = args.clockAheadToleranceSeconds;
    if (ahead !== undefined && (!Number.isInteger(ahead) || ahead < 1)) {
        problems.push(`clockAheadToleranceSeconds must be a positive integer, got ${ahead}`);
    }
    if (args.ports !== undefined) {
        if (args.ports.length === 0 || args.ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) {
            problems.push(`ports must be a non-empty list of TCP ports, got ${JSON.stringify(args.ports)}`);
        }
    }
    const wait = args.sshWait ?? {};
    if (wait.timeout !== undefined && !/^([0-9]+(ms|s|m|h))+$/.test(wait.timeout)) {
        problems.push(`sshWait.timeout must be a duration such as "10m", got ${JSON.stringify(wait.timeout)}`);
    }
    if (wait.dialErrorLimit !== undefined && (!Number.isInteger(wait.dialErrorLimit) || wait.dialErrorLimit < 1)) {
        problems.push(`sshWait.dialErrorLimit must be a positive integer (the wait must end), got ${wait.dialErrorLimit}`);
    }
    if (wait.perDialTimeout !== undefined && (!Number.isInteger(wait.perDialTimeout) || wait.perDialTimeout < 1)) {
        problems.push(`sshWait.perDialTimeout must be a positive integer, got ${wait.perDialTimeout}`);
    }
    return problems;
}

/** Remote staging path of an uploaded binary. In `/var/tmp`: it exists everywhere and survives reboots. */
export function stagingPath(name: string, binary: string): string {
    return `/var/tmp/etcdhosts-${name.replace(/[^A-Za-z0-9._-]/g, "_")}-${binary}`;
}

/**
 * Prepares one host for etcd, in this order (each step `dependsOn` the one before):
 *
 * 1. `${name}-wait-ssh`: wait for SSH with a bounded number of dials, check `sudo -n`.
 * 2. `${name}-clock` (local) and `${name}-preflight`: read-only checks of clock, data dir and
 *    ports. Nothing on the host is changed before they pass.
 * 3. `${name}-install` (plus `${name}-stage-etcd|etcdctl` uploads for `binary`): etcd binaries.
 *    None for install method `none`.
 * 4. `${name}-account`: system user and group (skipped for `root`); after the install because
 *    Debian's package creates its own `etcd` user, which is then kept.
 * 5. `${name}-config-dirs` and `${name}-data-dir`.
 *
 * Depend on this component before writing files or starting etcd.
 */
export class HostPreparation extends pulumi.ComponentResource {
    /** Absolute path of `etcd` on the host (`""` for install method `none`). */
    public readonly etcdBinary: string;
    /** Absolute path of `etcdctl` on the host (`""` for install method `none`). */
    public readonly etcdctlBinary: string;
    /** Data dir. */
    public readonly dataDir: string;
    /** Config dir. */
    public readonly configDir: string;
    /** PKI dir. */
    public readonly pkiDir: string;
    /** User etcd runs as and owner of its dirs. */
    public readonly user: string;
    /** Group of `user`. */
    public readonly group: string;
    /** Version `etcd --version` reported after the install step, e.g. `3.5.17` (unknown in preview; `""` for `none`). */
    public readonly etcdVersion: pulumi.Output<string>;

    constructor(name: string, args: HostPreparationArgs, opts?: pulumi.ComponentResourceOptions) {
        super("etcdhosts:remote:HostPreparation", name, {}, opts);

        const problems = validateHostPreparationArgs(args);
        if (problems.length > 0) {
            throw new pulumi.ResourceError(`HostPreparation ${name}: ${problems.join("; ")}`, this);
        }
        // The one check that reads the local disk: binaries to upload must exist now, at preview.
        const localBinaries = args.install.method === "binary" ? hashLocalBinaries(name, args.install.localDir, this) : [];

        const sshUserName = sshUser(args.connection);
        this.user = args.user ?? DEFAULT_ETCD_USER;
        this.group = args.group ?? this.user;
        this.dataDir = args.dataDir ?? DEFAULT_DATA_DIR;
        this.configDir = args.configDir ?? DEFAULT_CONFIG_DIR;
        this.pkiDir = args.pkiDir ?? `${this.configDir}/pki`;
        const binaries = binaryPaths(args.install);
        this.etcdBinary = binaries.etcd;
        this.etcdctlBinary = binaries.etcdctl;
        const connection = toRemoteConnection(args.connection);
        const wipe = args.wipeDataOnDestroy ?? false;

        const token = pulumi.output(args.clusterToken).apply((t) => {
            const bad = validateClusterToken(t);
            if (bad.length > 0) throw new pulumi.ResourceError(`HostPreparation ${name}: ${bad.join("; ")}`, this);
            return t;
        });

        // 1. Wait for SSH. A finite dial limit ends the wait with the provider's dial error, which
        //    names host and port; customTimeouts is the backstop.
        const wait = args.sshWait ?? {};
        const waitSsh = new command.remote.Command(`${name}-wait-ssh`, {
            connection: toRemoteConnection(args.connection, {
                dialErrorLimit: wait.dialErrorLimit ?? 20,
                perDialTimeout: wait.perDialTimeout ?? 10,
            }),
            create: asLoginUser(waitForSshScript(sshUserName)),
        }, {
            parent: this,
            dependsOn: opts?.dependsOn,
            customTimeouts: { create: wait.timeout ?? "10m", update: wait.timeout ?? "10m" },
        });

        // 2. Preflight.
        //
        // The clock check needs the runner's time *when the check runs*. A value computed in the
        // program (Date.now()) differs on every run: as an input (stdin or script) it would show
        // a diff and re-run preflight on every `up`, breaking "second up is a no-op". Inputs
        // ignored with ignoreChanges are worse: an update would silently reuse the first value.
        //
        // So the time comes from `${name}-clock`, a local `date -u +%s` that only runs again when
        // the preflight's own inputs change (its triggers are the preflight script and the
        // address), i.e. exactly when preflight runs again; it runs right after SSH answered and
        // right before preflight. It reaches the script on stdin, which keeps the script text
        // fixed and testable.
        //
        // One case leaves it stale: a preflight that failed and is retried by a later `up` with
        // unchanged inputs reuses the earlier time. Since the recorded time can only be older
        // than the runner's real time, "host behind" stays a sound check (the host is at least
        // that far behind), and that's the direction that breaks certificates, so it gets the
        // tight limit. "Host ahead" gets a loose limit, and its message names the stale-stamp fix.
        const clockResourceName = `${name}-clock`;
        const preflightCreate = token.apply((t) => asRoot(preflightScript({
            dataDir: this.dataDir,
            clusterToken: t,
            ports: args.ports ?? DEFAULT_PORTS,
            maxClockBehindSeconds: args.clockSkewThresholdSeconds ?? 30,
            maxClockAheadSeconds: args.clockAheadToleranceSeconds ?? 86400,
            clockResourceName,
            // The distribution package's own localhost cluster in our data dir is taken over by
            // the install step, not refused (see packageInstallScript).
            ...(args.install.method === "package" ? { packageDataDir: DEBIAN_PACKAGE_DATA_DIR } : {}),
        }), sshUserName));
        const clock = new command.local.Command(clockResourceName, {
            create: "date -u +%s",
            triggers: [preflightCreate, args.connection.host, args.connection.port ?? 22],
        }, { parent: this, dependsOn: [waitSsh] });
        const preflight = new command.remote.Command(`${name}-preflight`, {
            connection,
            create: preflightCreate,
            stdin: pulumi.interpolate`${clock.stdout}\n`,
        }, { parent: this, dependsOn: [waitSsh, clock] });

        // 3. Install.
        const stages: command.remote.CopyToRemote[] = [];
        const staged: StagedBinary[] = [];
        for (const b of localBinaries) {
            const remotePath = stagingPath(name, b.binary);
            stages.push(new command.remote.CopyToRemote(`${name}-stage-${b.binary}`, {
                connection,
                source: new pulumi.asset.FileAsset(b.localPath),
                remotePath,
                // The provider re-copies when the asset's hash changes; the explicit trigger makes
                // that visible in the diff and independent of how the engine hashes assets.
                triggers: [b.sha256],
            }, { parent: this, dependsOn: [preflight] }));
            staged.push({ staged: remotePath, target: b.binary === "etcd" ? binaries.etcd : binaries.etcdctl, sha256: b.sha256 });
        }
        let installed: pulumi.Resource = preflight;
        if (args.install.method === "none") {
            this.etcdVersion = pulumi.output("");
        } else {
            const install = new command.remote.Command(`${name}-install`, {
                connection,
                create: asRoot(installScript(args.install, staged, binaries.etcd, this.dataDir), sshUserName),
                ...installDelete(args.install, staged, binaries, sshUserName),
            }, { parent: this, dependsOn: [preflight, ...stages], deleteBeforeReplace: true });
            this.etcdVersion = install.stdout.apply(parseEtcdVersion);
            installed = install;
        }

        // 4. Account. Kept on destroy: a retained data dir (and logs, snapshots) stay owned by
        //    it, and a system account costs nothing.
        const layoutDeps: pulumi.Resource[] = [installed];
        if (this.user !== "root") {
            layoutDeps.push(new command.remote.Command(`${name}-account`, {
                connection,
                create: asRoot(accountScript(this.user, this.group, this.dataDir), sshUserName),
            }, { parent: this, dependsOn: [installed], retainOnDelete: true }));
        }

        // 5. Directories.
        new command.remote.Command(`${name}-config-dirs`, {
            connection,
            create: asRoot(configDirsScript({ configDir: this.configDir, pkiDir: this.pkiDir, user: this.user, group: this.group }), sshUserName),
            delete: asRoot(removeConfigDirsScript({ configDir: this.configDir, pkiDir: this.pkiDir }), sshUserName),
        }, { parent: this, dependsOn: layoutDeps, deleteBeforeReplace: true });

        // The data dir is never removed unless asked: retainOnDelete keeps even a replacement
        // from deleting it, and the delete script exists only with wipeDataOnDestroy.
        new command.remote.Command(`${name}-data-dir`, {
            connection,
            create: token.apply((t) => asRoot(dataDirScript({ dataDir: this.dataDir, user: this.user, group: this.group, clusterToken: t }), sshUserName)),
            ...(wipe ? { delete: asRoot(wipeDataDirScript(this.dataDir), sshUserName) } : {}),
        }, { parent: this, dependsOn: layoutDeps, deleteBeforeReplace: true, retainOnDelete: !wipe });

        this.registerOutputs({
            etcdBinary: this.etcdBinary,
            etcdctlBinary: this.etcdctlBinary,
            dataDir: this.dataDir,
            pkiDir: this.pkiDir,
            etcdVersion: this.etcdVersion,
        });
    }
}

/** A local binary to upload, with its hash. */
interface LocalBinary {
    binary: string;
    localPath: string;
    sha256: string;
}

function hashLocalBinaries(name: string, localDir: string, parent: pulumi.Resource): LocalBinary[] {
    return INSTALLED_BINARIES.map((binary) => {
        const localPath = path.resolve(localDir, binary);
        let content: Buffer;
        try {
            content = fs.readFileSync(localPath);
        } catch (e) {
            throw new pulumi.ResourceError(`HostPreparation ${name}: install.localDir has no readable ${binary} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message} for ${localPath})`, parent);
        }
        return { binary, localPath, sha256: crypto.createHash("sha256").update(content).digest("hex") };
    });
}

function installScript(spec: Exclude<EtcdInstall, { method: "none" }>, staged: StagedBinary[], etcdPath: string, dataDir: string): string {
    switch (spec.method) {
        case "package":
            return packageInstallScript(spec.packages, dataDir);
        case "binary":
            return binaryInstallScript(staged, etcdPath);
        case "tarball":
            return tarballInstallScript(spec);
        case "preinstalled":
            return preinstalledCheckScript(spec);
        default: {
            const exhaustive: never = spec;
            throw new Error(`unknown install method ${JSON.stringify(exhaustive)}`);
        }
    }
}

/**
 * Delete script of the install step. Binaries we put there are removed; distro packages and
 * preinstalled binaries are not ours to remove.
 */
function installDelete(spec: Exclude<EtcdInstall, { method: "none" }>, staged: StagedBinary[], binaries: { etcd: string; etcdctl: string }, sshUserName: string): { delete?: string } {
    if (spec.method === "package" || spec.method === "preinstalled") {
        return {};
    }
    const paths = [binaries.etcd, tempPathFor(binaries.etcd), binaries.etcdctl, tempPathFor(binaries.etcdctl), ...staged.map((s) => s.staged)];
    return { delete: asRoot(removeBinariesScript(paths), sshUserName) };
}
