// Everything one member's host runs, rendered from the bound member: the configuration in the
// layout's form (etcd.conf.yml, ETCD_* file or pod manifest), the unit where the layout has one,
// and the etcdctl profile.

import type { ConfigSource } from "./layouts";
import type { EtcdMember } from "./member";
import { renderConfigFile } from "./renderConfigFile";
import { renderEnvFile } from "./renderEnvFile";
import { renderEtcdctlProfile } from "./renderEtcdctlProfile";
import { renderStaticPod } from "./renderStaticPod";
import { renderUnit } from "./renderUnit";

/** The renderer of each way etcd receives its configuration. */
const CONFIG_RENDERERS: Readonly<Record<ConfigSource, (member: EtcdMember) => string>> = {
    "config-file": renderConfigFile,
    "env-file": renderEnvFile,
    "pod-command": renderStaticPod,
};

/** What one member's host runs. */
export interface RenderedMember {
    /** etcd.conf.yml, the ETCD_* env file or the pod manifest, by layout. */
    config: string;
    /** The systemd unit; empty for a layout without one (static pods). */
    unit: string;
    /** `/etc/profile.d/etcdctl.sh`. */
    profile: string;
}

export function renderMember(member: EtcdMember, endpoints: readonly string[]): RenderedMember {
    return {
        config: CONFIG_RENDERERS[member.configSource](member),
        unit: member.paths.unitFile !== undefined ? renderUnit(member) : "",
        profile: renderEtcdctlProfile(member, endpoints),
    };
}
