// SSH host keys: what tells a member's real host from anyone else answering at its address. The
// program sends every host its private keys (and the admin client key), so a host must prove its
// identity before anything is sent: each node's connection pins one host key, taken from the
// node's own `hostKey` or from the stack-wide `knownHosts` text (OpenSSH known_hosts format).
// Required unless `insecureSkipHostKeyCheck` says otherwise. Pure; part of parseClusterConfig.
//
// The command provider pins one key per connection and, given one, asks the server for that
// key's algorithm first, so a host with several keys (ed25519 and ecdsa, say) presents the
// pinned one. A host whose key differs fails the SSH handshake, before authentication and before
// any command or byte of stdin is sent.

import * as crypto from "crypto";
import type { NodeConfig } from "./types";
import { parseHost } from "./validateAddress";
import { Problems, show } from "./validateValues";

/** Host key algorithms, in the order one is pinned when known_hosts lists several for a host. */
export const HOST_KEY_TYPES: readonly string[] = ["ssh-ed25519", "ecdsa-sha2-nistp521", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp256", "ssh-rsa"];

/** The usual SSH port: known_hosts names hosts on it without a port. */
const SSH_DEFAULT_PORT = 22;

/** A value for messages, cut after 60 characters. */
export function showBrief(value: unknown): string {
    if (typeof value !== "string") return show(value);
    return show(value.length > 60 ? `${value.slice(0, 60)}…` : value);
}

/**
 * Why a key type and base64 blob are not a host public key, or undefined. The blob must be
 * canonical base64 and begin with its own type name (the SSH wire format), which catches a key
 * pasted under the wrong type and truncated copies.
 */
function keyProblem(type: string, base64: string): string | undefined {
    if (!HOST_KEY_TYPES.includes(type)) return `key type ${show(type)} is not one of ${HOST_KEY_TYPES.join(", ")}`;
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return "the key is not base64";
    const blob = Buffer.from(base64, "base64");
    if (blob.toString("base64") !== base64 || blob.length < 4) return "the key is not base64";
    const nameLength = blob.readUInt32BE(0);
    if (blob.length < 4 + nameLength || blob.subarray(4, 4 + nameLength).toString("latin1") !== type) {
        return `the key data is not a ${type} key (truncated, or pasted under another type)`;
    }
    if (type === "ssh-ed25519" && blob.length !== 51) return "the key data is not a ssh-ed25519 key (wrong length)";
    return undefined;
}

/**
 * A host key line `<type> <base64> [comment]` (a `*.pub` host key file, `ssh-keyscan` output
 * without the host) in the form pinned: `<type> <base64>`, comment dropped. Or a problem.
 */
export function parseHostKey(text: string): { key: string } | { problem: string } {
    const fields = text.trim().split(/[ \t]+/);
    if (/[\r\n]/.test(text.trim()) || fields.length < 2) return { problem: `expected "<key type> <base64 key>", one line` };
    const problem = keyProblem(fields[0], fields[1]);
    return problem === undefined ? { key: `${fields[0]} ${fields[1]}` } : { problem };
}

/** One usable line of known_hosts text. */
export interface KnownHostsEntry {
    /** 1-based line number, for messages. */
    readonly line: number;
    /** The comma-separated host patterns (plain, wildcard, negated or hashed). */
    readonly patterns: readonly string[];
    /** `<type> <base64>`. */
    readonly key: string;
}

/** Parse known_hosts text, reporting each bad line as `knownHosts: line N: …`. Comments and blank lines are skipped. */
export function parseKnownHosts(p: Problems, field: string, text: string): KnownHostsEntry[] {
    const entries: KnownHostsEntry[] = [];
    text.split("\n").forEach((raw, i) => {
        const line = raw.replace(/\r$/, "").trim();
        if (line === "" || line.startsWith("#")) return;
        const at = `line ${i + 1}`;
        const fields = line.split(/[ \t]+/);
        if (fields[0].startsWith("@")) {
            p.error(field, `${at}: markers such as ${show(fields[0])} are not supported: list each host with its own host key`);
            return;
        }
        if (fields.length < 3) {
            p.error(field, `${at}: expected "<host>[,<host>…] <key type> <base64 key> [comment]", got ${showBrief(line)}`);
            return;
        }
        const problem = keyProblem(fields[1], fields[2]);
        if (problem !== undefined) {
            p.error(field, `${at}: ${problem}`);
            return;
        }
        entries.push({ line: i + 1, patterns: fields[0].split(","), key: `${fields[1]} ${fields[2]}` });
    });
    return entries;
}

/** How known_hosts names a host on a port: `host`, or `[host]:port` off port 22. */
function knownHostsName(host: string, port: number): string {
    return port === SSH_DEFAULT_PORT ? host : `[${host}]:${port}`;
}

/** The canonical spelling of a plain pattern (`10.0.0.1`, `[fd00::1]:2222`), so IPv6 written any way matches. */
function canonicalPattern(pattern: string): string {
    const m = /^\[([^\]]+)\]:([0-9]+)$/.exec(pattern);
    const host = m === null ? pattern : m[1];
    const canonical = parseHost(host)?.value ?? host.toLowerCase();
    return m === null ? canonical : `[${canonical}]:${Number(m[2])}`;
}

/** Whether one (non-negated) pattern matches the name, as OpenSSH's match_hostname does. */
function patternMatches(pattern: string, name: string): boolean {
    if (pattern.startsWith("|1|")) {
        // Hashed (HashKnownHosts yes): |1|base64(salt)|base64(HMAC-SHA1(salt, name)).
        const parts = pattern.split("|");
        if (parts.length !== 4) return false;
        const hmac = crypto.createHmac("sha1", Buffer.from(parts[2], "base64")).update(name).digest("base64");
        return hmac === parts[3];
    }
    if (/[*?]/.test(pattern)) {
        const re = new RegExp(`^${pattern.toLowerCase().replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`);
        return re.test(name);
    }
    return canonicalPattern(pattern) === name;
}

/** Whether an entry names the host: some pattern matches and no negated one does. */
function entryMatches(entry: KnownHostsEntry, name: string): boolean {
    let matched = false;
    for (const pattern of entry.patterns) {
        if (pattern.startsWith("!")) {
            if (patternMatches(pattern.slice(1), name)) return false;
        } else if (patternMatches(pattern, name)) matched = true;
    }
    return matched;
}

/**
 * The key to pin for a host from known_hosts: of the keys listed for it, the one of the first
 * type in {@link HOST_KEY_TYPES}. Undefined when none is listed; a problem when two different keys
 * of that type are (a stale line left over from a rotation).
 */
export function lookupHostKey(entries: readonly KnownHostsEntry[], host: string, port: number): { key?: string; problem?: string } {
    const name = knownHostsName(host, port);
    const keys = [...new Set(entries.filter((e) => entryMatches(e, name)).map((e) => e.key))];
    for (const type of HOST_KEY_TYPES) {
        const ofType = keys.filter((k) => k.startsWith(`${type} `));
        if (ofType.length > 1) return { problem: `lists ${ofType.length} different ${type} keys for ${name}; keep only the host's current key` };
        if (ofType.length === 1) return { key: ofType[0] };
    }
    return {};
}

/** What {@link resolveHostKeys} reads. */
export interface HostKeySettings {
    /** The `knownHosts` key: known_hosts text, or "" for none. */
    readonly knownHosts: string;
    /** The `insecureSkipHostKeyCheck` key. */
    readonly insecureSkipHostKeyCheck: boolean;
}

/**
 * Give every node the host key its connection pins: its own `hostKey` if set, else the one
 * `knownHosts` lists for its `sshHost` and `sshPort`. A node with neither is an error, unless
 * `insecureSkipHostKeyCheck` is on, which is then a warning naming the unchecked nodes.
 */
export function resolveHostKeys(p: Problems, nodes: readonly NodeConfig[], settings: HostKeySettings): NodeConfig[] {
    const entries = parseKnownHosts(p, "knownHosts", settings.knownHosts);
    const unchecked: string[] = [];
    const resolved = nodes.map((node, i): NodeConfig => {
        if (node.hostKey !== undefined) return node;
        const found = lookupHostKey(entries, node.sshHost, node.sshPort);
        if (found.problem !== undefined) p.error("knownHosts", found.problem);
        if (found.key !== undefined) return { ...node, hostKey: found.key };
        if (found.problem === undefined) {
            if (settings.insecureSkipHostKeyCheck) unchecked.push(node.name);
            else {
                p.error(
                    `nodes[${i}].hostKey`,
                    `required: no SSH host key for ${knownHostsName(node.sshHost, node.sshPort)}; set nodes[${i}].hostKey or list the host in knownHosts ` +
                        `(collect keys over a trusted path, see the README's "SSH host keys"), or set insecureSkipHostKeyCheck: true for a lab network`,
                );
            }
        }
        return node;
    });
    if (settings.insecureSkipHostKeyCheck) {
        p.warn(
            "insecureSkipHostKeyCheck",
            unchecked.length === 0
                ? "has no effect: every node's host key is pinned"
                : `SSH host keys of ${unchecked.join(", ")} are NOT checked: whoever answers at their addresses receives the cluster's private keys. Lab use only`,
        );
    }
    return resolved;
}
