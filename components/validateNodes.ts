// The node inventory: Pulumi cannot type the fields of objects in a list (pulumi/pulumi#11321,
// #18813), so this is where `nodes` gets its shape, syntax and uniqueness checks (pitfalls P4).

import type { NodeConfig } from "./types";
import { parseHostKey, showBrief } from "./validateHostKeys";
import { isDnsName, isLoopbackIp, isWildcardIp, parseHost, parseIp } from "./validateAddress";
import { Problems, isRecord, readExtraArgs, readInt, readString, readStructured, rejectUnknownKeys, show } from "./validateValues";

/** Fields a node object may have. */
export const NODE_FIELDS: readonly string[] = [
    "name",
    "address",
    "listenAddress",
    "sshHost",
    "sshPort",
    "sshUser",
    "hostname",
    "extraSans",
    "extraArgs",
    "hostKey",
];

const MEMBER_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** A login name: what useradd accepts, at most 32 characters. */
export const USER_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}$/;

/** Defaults a node inherits from cluster-wide keys. */
export interface NodeDefaults {
    /** The cluster-wide `sshUser` (undefined when it was itself invalid). */
    readonly sshUser?: string;
    /** The cluster-wide `sshPort` (undefined when it was itself invalid). */
    readonly sshPort?: number;
}

function readAddress(p: Problems, field: string, value: unknown): string | undefined {
    const s = readString(p, field, value);
    if (s === undefined) return undefined;
    const h = parseHost(s);
    if (h === undefined) {
        const hint = /^\[.*\]$/.test(s) ? " (write IPv6 without brackets; etcdhosts brackets it in URLs)" : "";
        p.error(field, `${show(s)} is not a valid IPv4/IPv6 address or DNS name${hint}`);
        return undefined;
    }
    return h.value;
}

function readNode(p: Problems, i: number, raw: unknown, defaults: NodeDefaults): NodeConfig | undefined {
    const at = `nodes[${i}]`;
    if (!isRecord(raw)) {
        p.error(at, `expected an object with name and address, got ${show(raw)}`);
        return undefined;
    }
    const before = p.errors.length;
    rejectUnknownKeys(p, at, raw, NODE_FIELDS, "node field");

    let name: string | undefined;
    if (raw.name === undefined) p.error(`${at}.name`, "required");
    else {
        name = readString(p, `${at}.name`, raw.name);
        if (name !== undefined && !MEMBER_NAME.test(name)) {
            p.error(
                `${at}.name`,
                `${show(name)} is not a lowercase DNS label (a-z, 0-9 and "-", at most 63 characters); it names the etcd member, its certificates and its Pulumi resources`,
            );
        }
    }

    let address: string | undefined;
    if (raw.address === undefined) p.error(`${at}.address`, "required");
    else {
        address = readAddress(p, `${at}.address`, raw.address);
        if (address !== undefined && (isLoopbackIp(address) || isWildcardIp(address))) {
            p.error(`${at}.address`, `${show(address)} is not routable; other members and clients could not reach it`);
        }
    }

    let listenAddress: string | undefined;
    if (raw.listenAddress !== undefined) {
        const s = readString(p, `${at}.listenAddress`, raw.listenAddress);
        if (s !== undefined) {
            const ip = parseIp(s);
            if (ip === undefined) p.error(`${at}.listenAddress`, `${show(s)} is not an IP address (etcd binds listeners only to IPs)`);
            else if (isWildcardIp(ip.value)) {
                p.error(`${at}.listenAddress`, `${show(s)} is a wildcard; use clientListenAll for the client port (the peer port binds to the member's own IP)`);
            } else if (isLoopbackIp(ip.value)) {
                p.error(`${at}.listenAddress`, `${show(s)} is a loopback address; peers could not reach it`);
            } else listenAddress = ip.value;
        }
    }

    let sshHost: string | undefined = address;
    if (raw.sshHost !== undefined) sshHost = readAddress(p, `${at}.sshHost`, raw.sshHost);
    const sshPort = raw.sshPort === undefined ? defaults.sshPort : readInt(p, `${at}.sshPort`, raw.sshPort, 1, 65535);
    let sshUser = defaults.sshUser;
    if (raw.sshUser !== undefined) {
        sshUser = readString(p, `${at}.sshUser`, raw.sshUser);
        if (sshUser !== undefined && !USER_NAME.test(sshUser)) {
            p.error(`${at}.sshUser`, `${showBrief(sshUser)} is not a user name`);
        }
    }

    let hostname: string | undefined;
    if (raw.hostname !== undefined) {
        hostname = readString(p, `${at}.hostname`, raw.hostname);
        if (hostname !== undefined && !isDnsName(hostname)) p.error(`${at}.hostname`, `${show(hostname)} is not a DNS name`);
        hostname = hostname?.toLowerCase();
    }

    const extraSans: string[] = [];
    if (raw.extraSans !== undefined) {
        const list = readStructured(p, `${at}.extraSans`, raw.extraSans);
        if (!Array.isArray(list)) p.error(`${at}.extraSans`, `expected a list of IP addresses and DNS names, got ${show(list)}`);
        else {
            list.forEach((san, j) => {
                const f = `${at}.extraSans[${j}]`;
                if (typeof san !== "string") p.error(f, `expected a string, got ${show(san)}`);
                else if (parseHost(san) === undefined && !isDnsName(san, true)) {
                    p.error(f, `${show(san)} is not an IP address or DNS name (wildcards: *.example.com)`);
                } else extraSans.push(parseHost(san)?.value ?? san.toLowerCase());
            });
        }
    }

    const extraArgs = raw.extraArgs === undefined ? {} : readExtraArgs(p, `${at}.extraArgs`, raw.extraArgs);

    let hostKey: string | undefined;
    if (raw.hostKey !== undefined) {
        const text = readString(p, `${at}.hostKey`, raw.hostKey);
        const parsed = text === undefined ? undefined : parseHostKey(text);
        if (parsed !== undefined && "key" in parsed) hostKey = parsed.key;
        else if (parsed !== undefined) {
            p.error(`${at}.hostKey`, `${showBrief(text)} is not an SSH host public key (${parsed.problem}); copy the host's /etc/ssh/ssh_host_ed25519_key.pub over a trusted path`);
        }
    }

    if (p.errors.length > before || name === undefined || address === undefined || sshHost === undefined) return undefined;
    if (sshPort === undefined || sshUser === undefined || extraArgs === undefined) return undefined;
    return {
        name,
        address,
        ...(listenAddress !== undefined ? { listenAddress } : {}),
        sshHost,
        sshPort,
        sshUser,
        ...(hostname !== undefined ? { hostname } : {}),
        extraSans,
        extraArgs,
        ...(hostKey !== undefined ? { hostKey } : {}),
    };
}

/** Record the first user of each value; report later ones. */
function checkUnique(
    p: Problems,
    nodes: readonly (NodeConfig | undefined)[],
    field: string,
    key: (n: NodeConfig) => string | undefined,
    why = "",
): void {
    const seen = new Map<string, number>();
    nodes.forEach((n, i) => {
        if (n === undefined) return;
        const v = key(n);
        if (v === undefined) return;
        const first = seen.get(v);
        if (first === undefined) seen.set(v, i);
        else p.error(`nodes[${i}].${field}`, `${show(v)} is already used by nodes[${first}] ("${nodes[first]?.name}")${why}`);
    });
}

/** Parse and check the inventory. Returns undefined when any node is unusable. */
export function readNodes(p: Problems, value: unknown, defaults: NodeDefaults): NodeConfig[] | undefined {
    if (value === undefined) {
        p.error("nodes", "required: a list of {name, address, ...} objects, one per etcd member");
        return undefined;
    }
    const list = readStructured(p, "nodes", value);
    if (list === undefined) return undefined;
    if (!Array.isArray(list)) {
        p.error("nodes", `expected a list of {name, address, ...} objects, got ${show(list)}`);
        return undefined;
    }
    if (list.length === 0) {
        p.error("nodes", "at least one member is required, got 0");
        return undefined;
    }
    const nodes = list.map((raw, i) => readNode(p, i, raw, defaults));
    // Names and peer URLs must be unique or etcd refuses the initial cluster (etcd-io/etcd#5244).
    checkUnique(p, nodes, "name", (n) => n.name);
    checkUnique(p, nodes, "address", (n) => n.address);
    checkUnique(p, nodes, "listenAddress", (n) => n.listenAddress);
    checkUnique(
        p,
        nodes,
        "sshHost",
        (n) => `${n.sshHost.includes(":") ? `[${n.sshHost}]` : n.sshHost}:${n.sshPort}`,
        "; two members on one host would collide on ports 2379-2381",
    );
    return nodes.every((n): n is NodeConfig => n !== undefined) ? nodes : undefined;
}
