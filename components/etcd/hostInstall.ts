// How etcd gets onto a host, resolved from the validated install settings: the layout says
// whether it installs etcd at all, and a `binary` install finds its local directory now, at
// preview, so a wrong one fails naming the config key before any host is touched.

import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { DEBIAN_PACKAGES, binaryDirEnvVar } from "../constants";
import { EtcdInstall, INSTALLED_BINARIES } from "../remote/install";
import type { ClusterPlan } from "./plan";

/** The install step of every host of the plan; `none` for a layout that runs etcd from an image. */
export function hostInstall(plan: ClusterPlan, env: Record<string, string | undefined>, parent: pulumi.Resource): EtcdInstall {
    // A static pod's etcd comes from its image; the host only needs the layout. The install
    // settings (Pulumi.yaml defaults them to "binary") are ignored then, not required.
    return plan.layout.installsEtcd ? installOf(plan, env, parent) : { method: "none" };
}

function installOf(plan: ClusterPlan, env: Record<string, string | undefined>, parent: pulumi.Resource): EtcdInstall {
    const cfg = plan.config;
    const install = cfg.etcd.install;
    // Where the binaries go is the plan's (every member renders its unit from it): one source.
    const binaries = plan.members[0].binaries;
    const installDir = path.posix.dirname(binaries.etcd);
    switch (install.method) {
        case "package":
            return { method: "package", packages: DEBIAN_PACKAGES };
        case "binary": {
            const variable = binaryDirEnvVar(cfg.etcd.version.series);
            const localDir = install.binaryDir ?? env[variable];
            // Errors of the operator's input: the message names the field, without a stack trace.
            if (localDir === undefined || localDir === "") {
                throw new pulumi.ResourceError(`etcdBinaryDir: empty, and ${variable} is not set either: name a local directory holding etcd and etcdctl ${cfg.etcd.version.full}`, parent, true);
            }
            // Checked here too (HostPreparation reads the files), so the message names the config key.
            const unreadable = INSTALLED_BINARIES.filter((b) => !isReadableFile(path.resolve(localDir, b)));
            if (unreadable.length > 0) {
                const where = install.binaryDir !== undefined ? `${localDir}` : `empty, and ${variable} names ${localDir}, which`;
                throw new pulumi.ResourceError(
                    `etcdBinaryDir: ${where} has no readable ${unreadable.join(" or ")}: name a local directory holding etcd and etcdctl ${cfg.etcd.version.full}`,
                    parent,
                    true,
                );
            }
            return { method: "binary", localDir, installDir };
        }
        case "tarball":
            return { method: "tarball", url: install.url, sha256: install.sha256, version: cfg.etcd.version.full, installDir };
        case "preinstalled":
            // The flags are rendered for etcdVersion: an etcd of another version fails the install
            // step, before any configuration is written.
            return { method: "preinstalled", etcdPath: binaries.etcd, etcdctlPath: binaries.etcdctl, version: cfg.etcd.version.full };
        default: {
            const exhaustive: never = install;
            throw new Error(`unknown install method ${JSON.stringify(exhaustive)}`);
        }
    }
}

function isReadableFile(file: string): boolean {
    try {
        fs.accessSync(file, fs.constants.R_OK);
        return fs.statSync(file).isFile();
    } catch {
        return false;
    }
}

