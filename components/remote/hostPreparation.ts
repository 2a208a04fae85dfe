import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { SshConnectionArgs, allSteps, toRemoteConnection } from "./connection";
import { accountScript, configDirsScript, dataDirScript, removeConfigDirsScript, wipeDataDirScript } from "./hostLayout";
import { EtcdInstall, binaryPaths } from "./install";
import { createInstallStep, hashLocalBinaries } from "./installStep";
import { DEBIAN_PACKAGE_DATA_DIR, preflightScript, waitForSshScript } from "./preflight";
import { asLoginUser, asRoot } from "./shell";

export { EtcdInstall } from "./install";

/** How long to wait for SSH on a fresh host, and how hard to try. */
export interface SshWaitArgs {
    /**
     * Upper bound for the wait-for-SSH step (`customTimeouts`), e.g. `"10m"`. Keep it above
     * `dialErrorLimit × (perDialTimeout + 5 s backoff)` so the dial limit trips first: its error
     * names the host and port (`dial tcp 10.0.0.11:22: connect: …`), a timeout doesn't.
     */
    timeout: string;
    /** Failed dials before giving up, e.g. `20`. Must be positive: the wait must end. */
    dialErrorLimit: number;
    /** Seconds per dial attempt, e.g. `10`. */
    perDialTimeout: number;
}

/** Limits of the preflight's clock check, against the clock of the machine running Pulumi. */
export interface ClockCheckArgs {
    /**
     * Largest tolerated lag of the host's clock, in seconds. A host further behind would see
     * freshly issued certificates as "not yet valid" (`@pulumi/tls` can't backdate them,
     * pitfalls P10).
     */
    maxBehindSeconds: number;
    /**
     * Largest tolerated lead of the host's clock, in seconds. A host ahead only sees leaves
     * expire early, which early renewal absorbs, and this bound must also absorb a recorded
     * runner time that is older than the check (see the clock note in the constructor).
     */
    maxAheadSeconds: number;
}

/**
 * Arguments of {@link HostPreparation}. Every value arrives validated and complete: the
 * configuration is checked once by `parseClusterConfig`, and the fixed paths, ports and limits
 * come from the caller. This component neither re-checks nor defaults anything.
 */
export interface HostPreparationArgs {
    /** How to reach the host. A non-root `user` needs passwordless `sudo -n`; that is checked first. */
    connection: SshConnectionArgs;
    /**
     * This cluster's token (etcd `initial-cluster-token`), written as a marker into the data dir.
     * A data dir marked with another token, or holding an unmarked `member/` dir, fails
     * preflight and is never wiped (pitfalls P1, P3).
     */
    clusterToken: pulumi.Input<string>;
    /** How etcd gets onto the host. */
    install: EtcdInstall;
    /** etcd data dir, `0700` owned by `user`. Never a system directory (`validateDataDir`). */
    dataDir: string;
    /** Config dir (`etcd.conf.yml` and friends), `0755 root:root`. */
    configDir: string;
    /** PKI dir, `0700` owned by `user`. */
    pkiDir: string;
    /**
     * System user etcd runs as; created with no login shell if missing. `"root"` for the
     * static-pod layout, where kubelet runs etcd as root: no account is created then.
     */
    user: string;
    /** Group of `user`. */
    group: string;
    /**
     * Remove the data dir (`rm -rf`) when this resource is destroyed. When `false` the data dir
     * is retained (`retainOnDelete`) and a later cluster with the same token reuses it.
     * Flipping it takes effect after the next `pulumi up` records the new option.
     */
    wipeDataOnDestroy: boolean;
    /**
     * The clock check, or `undefined` for none: then there is no `${name}-clock` command and the
     * preflight has no clock lines.
     */
    clock: ClockCheckArgs | undefined;
    /** Ports that must be free, or held by etcd itself. */
    ports: readonly number[];
    /** Wait-for-SSH tuning. */
    sshWait: SshWaitArgs;
    /**
     * Upper bounds (`customTimeouts`) of the other steps: `step` for checks, account and
     * directories, `install` for installing etcd, `transfer` for uploading binaries.
     */
    timeouts: { step: string; install: string; transfer: string };
}

/**
 * Prepares one host for etcd, in this order (each step `dependsOn` the one before):
 *
 * 1. `${name}-wait-ssh`: wait for SSH with a bounded number of dials, check `sudo -n`.
 * 2. `${name}-clock` (local; only with a clock check) and `${name}-preflight`: read-only checks
 *    of clock, data dir and ports. Nothing on the host is changed before they pass.
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

        // The one check that reads the local disk: binaries to upload must exist now, at preview.
        const localBinaries = args.install.method === "binary" ? hashLocalBinaries(`HostPreparation ${name}`, args.install.localDir, this) : [];

        const sshUserName = args.connection.user;
        this.user = args.user;
        this.group = args.group;
        this.dataDir = args.dataDir;
        this.configDir = args.configDir;
        this.pkiDir = args.pkiDir;
        const binaries = binaryPaths(args.install);
        this.etcdBinary = binaries.etcd;
        this.etcdctlBinary = binaries.etcdctl;
        const connection = toRemoteConnection(args.connection);
        const wipe = args.wipeDataOnDestroy;
        const token = pulumi.output(args.clusterToken);

        // 1. Wait for SSH. A finite dial limit ends the wait with the provider's dial error, which
        //    names host and port; customTimeouts is the backstop.
        const wait = args.sshWait;
        const waitSsh = new command.remote.Command(`${name}-wait-ssh`, {
            connection: toRemoteConnection(args.connection, {
                dialErrorLimit: wait.dialErrorLimit,
                perDialTimeout: wait.perDialTimeout,
            }),
            create: asLoginUser(waitForSshScript(sshUserName)),
        }, {
            parent: this,
            dependsOn: opts?.dependsOn,
            customTimeouts: allSteps(wait.timeout),
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
        //
        // Without a clock check there is no stamp, no stdin and no clock line in the script.
        const clockResourceName = `${name}-clock`;
        const preflightCreate = token.apply((t) => asRoot(preflightScript({
            dataDir: this.dataDir,
            clusterToken: t,
            ports: args.ports,
            clock: args.clock === undefined ? undefined : { ...args.clock, resourceName: clockResourceName },
            // The distribution package's own localhost cluster in our data dir is taken over by
            // the install step, not refused (see packageInstallScript).
            ...(args.install.method === "package" ? { packageDataDir: DEBIAN_PACKAGE_DATA_DIR } : {}),
        }), sshUserName));
        const bounded = allSteps(args.timeouts.step);
        const clock = args.clock === undefined ? undefined : new command.local.Command(clockResourceName, {
            create: "date -u +%s",
            triggers: [preflightCreate, args.connection.host, args.connection.port],
        }, { parent: this, dependsOn: [waitSsh], customTimeouts: bounded });
        const preflight = new command.remote.Command(`${name}-preflight`, {
            connection,
            create: preflightCreate,
            ...(clock !== undefined ? { stdin: pulumi.interpolate`${clock.stdout}\n` } : {}),
        }, { parent: this, dependsOn: clock !== undefined ? [waitSsh, clock] : [waitSsh], customTimeouts: bounded });

        // 3. Install.
        let installed: pulumi.Resource = preflight;
        if (args.install.method === "none") {
            this.etcdVersion = pulumi.output("");
        } else {
            const step = createInstallStep(name, this, {
                install: args.install,
                localBinaries,
                binaries,
                dataDir: this.dataDir,
                connection,
                sshUser: sshUserName,
                after: preflight,
                timeouts: args.timeouts,
            });
            this.etcdVersion = step.etcdVersion;
            installed = step.installed;
        }

        // 4. Account. Kept on destroy: a retained data dir (and logs, snapshots) stay owned by
        //    it, and a system account costs nothing.
        const layoutDeps: pulumi.Resource[] = [installed];
        if (this.user !== "root") {
            layoutDeps.push(new command.remote.Command(`${name}-account`, {
                connection,
                create: asRoot(accountScript(this.user, this.group, this.dataDir), sshUserName),
            }, { parent: this, dependsOn: [installed], retainOnDelete: true, customTimeouts: bounded }));
        }

        // 5. Directories.
        new command.remote.Command(`${name}-config-dirs`, {
            connection,
            create: asRoot(configDirsScript({ configDir: this.configDir, pkiDir: this.pkiDir, user: this.user, group: this.group }), sshUserName),
            delete: asRoot(removeConfigDirsScript({ configDir: this.configDir, pkiDir: this.pkiDir }), sshUserName),
        }, { parent: this, dependsOn: layoutDeps, deleteBeforeReplace: true, customTimeouts: bounded });

        // The data dir is never removed unless asked: retainOnDelete keeps even a replacement
        // from deleting it, and the delete script exists only with wipeDataOnDestroy.
        new command.remote.Command(`${name}-data-dir`, {
            connection,
            create: token.apply((t) => asRoot(dataDirScript({ dataDir: this.dataDir, user: this.user, group: this.group, clusterToken: t }), sshUserName)),
            ...(wipe ? { delete: asRoot(wipeDataDirScript(this.dataDir), sshUserName) } : {}),
        }, { parent: this, dependsOn: layoutDeps, deleteBeforeReplace: true, retainOnDelete: !wipe, customTimeouts: bounded });

        this.registerOutputs({
            etcdBinary: this.etcdBinary,
            etcdctlBinary: this.etcdctlBinary,
            dataDir: this.dataDir,
            pkiDir: this.pkiDir,
            etcdVersion: this.etcdVersion,
        });
    }
}
