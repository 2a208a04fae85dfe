// The install step of HostPreparation: uploads for install method `binary`, then one command
// that installs etcd (or, for `preinstalled`, checks it) and prints its version.

import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { BINARY_STAGING_DIR, HOST_STATE_DIR } from "../constants";
import { shJoin, shQuote, tempPathFor } from "../shellWords";
import { RemoteConnection, allSteps } from "./connection";
import {
    EtcdInstall,
    INSTALLED_BINARIES,
    OPTIONAL_BINARIES,
    StagedBinary,
    binaryInstallScript,
    packageInstallScript,
    parseEtcdVersion,
    preinstalledCheckScript,
    removeBinariesScript,
    tarballInstallScript,
} from "./install";
import { asRoot } from "./shell";

/** An install spec that installs or checks something (every method but `none`). */
export type HostInstall = Exclude<EtcdInstall, { method: "none" }>;

/** A local binary to upload, with its hash. */
export interface LocalBinary {
    /** `etcd` or `etcdctl`. */
    binary: string;
    /** Absolute local path. */
    localPath: string;
    /** sha256 of its content, hex. */
    sha256: string;
}

/**
 * Read and hash the binaries of a `binary` install. This reads the local disk on purpose, at
 * preview, so a missing or unreadable binary fails the program with a message naming the
 * directory and file, before any child exists. Not a check of a config value: what it guards is
 * the state of the machine running Pulumi.
 */
export function hashLocalBinaries(component: string, localDir: string, parent: pulumi.Resource): LocalBinary[] {
    const optional = OPTIONAL_BINARIES.filter((b) => fs.existsSync(path.resolve(localDir, b)));
    return [...INSTALLED_BINARIES, ...optional].map((binary) => {
        const localPath = path.resolve(localDir, binary);
        let content: Buffer;
        try {
            content = fs.readFileSync(localPath);
        } catch (e) {
            throw new pulumi.ResourceError(`${component}: install.localDir has no readable ${binary} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message} for ${localPath})`, parent);
        }
        return { binary, localPath, sha256: crypto.createHash("sha256").update(content).digest("hex") };
    });
}

/** Where a host step's uploads go: its own directory under {@link BINARY_STAGING_DIR}. */
export function stagingDir(name: string): string {
    return `${BINARY_STAGING_DIR}/${name.replace(/[^A-Za-z0-9._-]/g, "_")}`;
}

/** Remote staging path of an uploaded binary, in {@link stagingDir}. */
export function stagingPath(name: string, binary: string): string {
    return `${stagingDir(name)}/${binary}`;
}

/**
 * The staging directory of the uploads: `0700` and the login user's (who uploads over SFTP), in
 * root's `0755` state directory, where nobody else can create or replace a name. A predictable path
 * in the world-writable `/var/tmp` could be a link planted by anyone on the host. Run again (a
 * changed connection re-runs every step) it only fixes mode and owner: the uploads stay, since
 * they are copied again only when their content changes.
 */
export function stagingDirScript(dir: string, loginUser: string): string {
    return [
        "set -eu",
        "umask 022",
        shJoin(["install", "-d", "-m", "0755", "-o", "root", "-g", "root", HOST_STATE_DIR, BINARY_STAGING_DIR]),
        `if [ -L ${shQuote(dir)} ]; then ${shJoin(["rm", "-f", "--", dir])}; fi`,
        shJoin(["install", "-d", "-m", "0700", "-o", loginUser, dir]),
    ].join("\n");
}

/** Inputs of {@link createInstallStep}. */
export interface InstallStepArgs {
    install: HostInstall;
    /** Uploads of a `binary` install (from {@link hashLocalBinaries}); empty for other methods. */
    localBinaries: readonly LocalBinary[];
    /** Where `etcd` and `etcdctl` end up (`binaryPaths`). */
    binaries: { etcd: string; etcdctl: string };
    /** Our data dir; the `package` method takes over the package's own data dir inside it. */
    dataDir: string;
    connection: RemoteConnection;
    /** SSH login user: anyone but root goes through `sudo -n`. */
    sshUser: string;
    /** The step before (preflight): nothing touches the host until it passed. */
    after: pulumi.Resource;
    /** Bounds: the install (`customTimeouts`), the uploads, and the staging directory's step. */
    timeouts: { install: string; transfer: string; step: string };
}

/**
 * `${name}-stage-etcd|etcdctl` (CopyToRemote, `binary` only) and `${name}-install`, parented to
 * `parent`. Returns the install command and the version it printed.
 */
export function createInstallStep(name: string, parent: pulumi.Resource, args: InstallStepArgs): { installed: command.remote.Command; etcdVersion: pulumi.Output<string> } {
    const stages: command.remote.CopyToRemote[] = [];
    const staged: StagedBinary[] = [];
    const dir = stagingDir(name);
    const dirScript = asRoot(stagingDirScript(dir, args.sshUser), args.sshUser);
    const stageDir = args.localBinaries.length === 0 ? undefined : new command.remote.Command(`${name}-stage-dir`, {
        connection: args.connection,
        create: dirScript,
        delete: asRoot(shJoin(["rm", "-rf", "--", dir]), args.sshUser),
    }, { parent, dependsOn: [args.after], deleteBeforeReplace: true, customTimeouts: allSteps(args.timeouts.step) });
    for (const b of args.localBinaries) {
        const remotePath = stagingPath(name, b.binary);
        stages.push(new command.remote.CopyToRemote(`${name}-stage-${b.binary}`, {
            connection: args.connection,
            source: new pulumi.asset.FileAsset(b.localPath),
            remotePath,
            // The provider re-copies when the asset's hash changes; the explicit trigger makes
            // that visible in the diff and independent of how the engine hashes assets.
            triggers: [b.sha256],
        }, { parent, dependsOn: [args.after, ...(stageDir !== undefined ? [stageDir] : [])], customTimeouts: allSteps(args.timeouts.transfer) }));
        // etcdctl and etcdutl go next to each other (the snapshot tools expect them so).
        const target = b.binary === "etcd" ? args.binaries.etcd : `${path.posix.dirname(args.binaries.etcdctl)}/${b.binary}`;
        staged.push({ staged: remotePath, target, sha256: b.sha256 });
    }
    const installed = new command.remote.Command(`${name}-install`, {
        connection: args.connection,
        create: asRoot(installScript(args.install, staged, args.binaries.etcd, args.dataDir), args.sshUser),
        ...installDelete(args.install, staged, args.binaries, args.sshUser),
    }, { parent, dependsOn: [args.after, ...stages], deleteBeforeReplace: true, customTimeouts: allSteps(args.timeouts.install) });
    return { installed, etcdVersion: installed.stdout.apply(parseEtcdVersion) };
}

function installScript(spec: HostInstall, staged: StagedBinary[], etcdPath: string, dataDir: string): string {
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
function installDelete(spec: HostInstall, staged: StagedBinary[], binaries: { etcd: string; etcdctl: string }, sshUser: string): { delete?: string } {
    if (spec.method === "package" || spec.method === "preinstalled") {
        return {};
    }
    const optional = OPTIONAL_BINARIES.map((b) => `${path.posix.dirname(binaries.etcdctl)}/${b}`);
    const installed = [binaries.etcd, binaries.etcdctl, ...optional];
    const paths = [...installed.flatMap((p) => [p, tempPathFor(p)]), ...staged.map((s) => s.staged)];
    return { delete: asRoot(removeBinariesScript(paths), sshUser) };
}
