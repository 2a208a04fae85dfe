// Shared by the unit tests: the raw configuration as index.ts would pass it, built from the real
// Pulumi.yaml defaults (so tests also prove those defaults are valid) plus per-test overrides.

import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { ClusterConfig, ConfigError, parseClusterConfig } from "../../components/config";
import { EtcdMember, MemberOptions, bindMember } from "../../components/etcd/member";
import { planCluster } from "../../components/etcd/plan";

export const ROOT = path.resolve(__dirname, "..", "..");

/** Pulumi.yaml parsed. */
export function projectFile(): { config: Record<string, Record<string, unknown>> } & Record<string, unknown> {
    return parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { config: Record<string, Record<string, unknown>> };
}

let defaultsCache: Record<string, unknown> | undefined;

/** Every default declared in Pulumi.yaml, as Pulumi applies them. */
export function projectDefaults(): Record<string, unknown> {
    if (defaultsCache === undefined) {
        const out: Record<string, unknown> = {};
        for (const [key, decl] of Object.entries(projectFile().config)) {
            if (decl.default !== undefined) out[key] = decl.default;
        }
        defaultsCache = out;
    }
    return { ...defaultsCache };
}

/**
 * Throwaway SSH host public keys, made with ssh-keygen for these tests only (no host has them).
 * `a` is the one TEST_KNOWN_HOSTS trusts for every host.
 */
export const TEST_HOST_KEYS = {
    a: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJJKbqdS6KKThbutgjmljAnKYQaipROZ0FlWl1lq9y3d",
    b: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINfGoczTwMV0Nj6q8Fg0/Lnvne/sK42+AjWn8PazG3Cw",
    c: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMthfHqQTkHmfjahiHQ8iJjBuLfbJEEMwkEGcXn8D8Gx",
    ecdsa: "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBIf3eI4tPNlaYgFAiZtIEuUY4SgfUKROk0+hYKm8GJs93/cLRPyV8BMafwcpfV82+hdRqkIm9MLSK3k91A2S7jU=",
} as const;

/** known_hosts text pinning TEST_HOST_KEYS.a for every host: what rawConfig() passes as `knownHosts`. */
export const TEST_KNOWN_HOSTS = `* ${TEST_HOST_KEYS.a}\n`;

/** Three systemd nodes, as in the dev stack. */
export const THREE_NODES = [
    { name: "h1", address: "10.213.0.11" },
    { name: "h2", address: "10.213.0.12" },
    { name: "h3", address: "10.213.0.13" },
];

/** Defaults + TEST_KNOWN_HOSTS + three nodes + overrides. */
export function rawConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return { ...projectDefaults(), knownHosts: TEST_KNOWN_HOSTS, nodes: THREE_NODES, ...overrides };
}

/** Parse defaults + overrides. */
export function parseWith(overrides: Record<string, unknown> = {}): ClusterConfig {
    return parseClusterConfig(rawConfig(overrides));
}

/**
 * The raw configuration of a stack file: Pulumi.yaml defaults overlaid with the stack's keys. The
 * dev stack's host keys are the running test bed's, which npm start pins (`knownHosts`); here
 * TEST_KNOWN_HOSTS stands in for them, whatever the working copy holds.
 */
export function stackRaw(stack: string): Record<string, unknown> {
    const doc = parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
    const raw = projectDefaults();
    for (const [key, value] of Object.entries(doc.config)) {
        assert.ok(key.startsWith("etcdhosts:"), `stack key ${key} is not in the etcdhosts namespace`);
        raw[key.slice("etcdhosts:".length)] = value;
    }
    if (stack === "dev") raw.knownHosts = TEST_KNOWN_HOSTS;
    return raw;
}

/** The problems a raw configuration is rejected with, by the parser or the plan. */
export function problemsOf(raw: unknown): readonly string[] {
    try {
        planCluster(parseClusterConfig(raw));
    } catch (e) {
        if (e instanceof ConfigError) return e.problems;
        throw e;
    }
    assert.fail("expected a ConfigError");
}

/** One member of the configuration's plan with the given facts bound, as the components render it. */
export function buildMember(cfg: ClusterConfig, name: string, opts: MemberOptions): EtcdMember {
    const plan = planCluster(cfg).members.find((m) => m.name === name);
    if (plan === undefined) throw new Error(`no node named "${name}" in the inventory`);
    return bindMember(plan, opts);
}

/** Every member of the plan, in inventory order, with the same facts bound. */
export function buildMembers(cfg: ClusterConfig, opts: MemberOptions): EtcdMember[] {
    return planCluster(cfg).members.map((m) => bindMember(m, opts));
}
