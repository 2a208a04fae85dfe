// No injection: every configuration field, given hostile values (command substitution, backticks,
// separators, line breaks, quotes, systemd `%` specifiers, spaces, very long values), is either
// refused at parse time or reaches the hosts only as data. For each value the parser accepts,
// the whole program runs under mocks and every script it registers (create, update, delete of
// every command, the runner's local commands too, after unwrapping `sudo -n sh -c '…'`) and every
// file it writes (decoded from the RemoteFiles bundles) is checked: in shell text the value may
// appear only single-quoted, escaped or as inert characters (test/support/shellLexer.ts); in
// systemd units and environment files it may not appear at all unless it is plain.
//
// What this cannot see: YAML files (etcd.conf.yml, the pod manifest) are written by the yaml
// library, which quotes; files written by other means than RemoteFiles (CopyToRemote uploads
// binaries, whose paths the program chooses). Mocks first.
import { commandStrings, setupMocks } from "../support/mocks";

const mocks = setupMocks((args) => {
    if (args.type === "random:index/randomId:RandomId") return { hex: "00112233445566778899aabbccddeeff" };
    if (args.type === "command:remote:Command" && args.name.endsWith("-install")) return { stdout: "etcd Version: 3.6.16\n" };
    return undefined;
});

import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_KEYS, ConfigError, parseClusterConfig } from "../../components/config";
import { planCluster } from "../../components/etcd/plan";
import { decodeFileBundle } from "../../components/remote/shell";
import { NODE_FIELDS } from "../../components/validateNodes";
import { activeOccurrences, innerScript } from "../support/shellLexer";
import { EXTERNAL_CA_CERT, EXTERNAL_CA_KEY } from "./fixtures";
import { TEST_HOST_KEYS, TEST_KNOWN_HOSTS, projectDefaults } from "../unit/helpers";

const SSH_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nSSH-KEY-MATERIAL\n-----END OPENSSH PRIVATE KEY-----\n";
const INDEX = require.resolve("../../index");
const BIN_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "etcdhosts-hostile-bin-"));
process.on("exit", () => fs.rmSync(BIN_DIR, { recursive: true, force: true }));
for (const b of ["etcd", "etcdctl", "etcd.db"]) fs.writeFileSync(path.join(BIN_DIR, b), `fake ${b}\n`);
process.env.ETCDHOSTS_ETCD_DIR_3_6 = BIN_DIR;
delete process.env.ETCDHOSTS_SSH_KEY_FILE;

const PWN = "/tmp/etcdhosts-pwned";
/** The hostile values, each tried as the whole value and appended to a valid one. */
const HOSTILE = [
    `$(touch ${PWN})`,
    `$(touch\${IFS}${PWN})`,
    "$(reboot)",
    "`reboot`",
    "x;reboot",
    ";reboot",
    "x\nreboot",
    "x\r\nreboot",
    "it's",
    'say "hi"',
    "%h",
    "%u%%",
    "with space",
    "back\\slash",
    "$HOME",
    "a".repeat(5000),
];

const NODES = [
    { name: "h1", address: "10.213.0.11" },
    { name: "h2", address: "10.213.0.12" },
    { name: "h3", address: "10.213.0.13" },
];

/** A valid configuration to put one hostile value into. */
const BASE = { ...projectDefaults(), nodes: NODES, knownHosts: TEST_KNOWN_HOSTS };

/**
 * Per field: the settings that make the field matter (a tarball URL only counts with the tarball
 * method), a valid value to append hostile text to, and how to place a value.
 */
interface Field {
    name: string;
    context?: Record<string, unknown>;
    valid: string;
    place: (value: string) => Record<string, unknown>;
}

const scalar = (key: string, valid: string, context: Record<string, unknown> = {}): Field => ({ name: key, context, valid, place: (v) => ({ [key]: v }) });
const node = (key: string, valid: string, wrap: (v: string) => unknown = (v) => v): Field => ({
    name: `nodes[0].${key}`,
    valid,
    place: (v) => ({ nodes: [{ ...NODES[0], [key]: wrap(v) }, NODES[1], NODES[2]] }),
});

const FIELDS: Field[] = [
    scalar("layout", "systemd"),
    scalar("sshUser", "root"),
    scalar("sshPort", "22"),
    scalar("etcdVersion", "3.6.16"),
    scalar("installMethod", "binary"),
    scalar("etcdBinaryDir", BIN_DIR),
    scalar("tarballUrl", "https://mirror.example/etcd-v3.6.16-linux-amd64.tar.gz", { installMethod: "tarball", tarballSha256: "a".repeat(64) }),
    scalar("tarballSha256", "a".repeat(64), { installMethod: "tarball", tarballUrl: "https://mirror.example/etcd.tar.gz" }),
    scalar("etcdPath", "/opt/etcd/bin/etcd", { installMethod: "preinstalled" }),
    scalar("etcdImage", "registry.example/etcd:{version}", { layout: "static-pod" }),
    scalar("heartbeatIntervalMs", "100"),
    scalar("electionTimeoutMs", "1000"),
    scalar("quotaBackendBytes", "2147483648"),
    scalar("autoCompactionMode", "periodic"),
    scalar("autoCompactionRetention", "1h"),
    scalar("snapshotCount", "10000"),
    scalar("peerMode", "tls", { layout: "pc-master", nodes: [NODES[0]] }),
    scalar("clientListenAll", "false"),
    scalar("tlsAlgorithm", "ECDSA-P256"),
    scalar("caValidityHours", "87600"),
    scalar("certValidityHours", "8760"),
    scalar("certEarlyRenewalHours", "720"),
    scalar("caCertPem", EXTERNAL_CA_CERT, { caKeyPem: true }),
    scalar("wipeDataOnDestroy", "false"),
    scalar("allowUnsafeMembershipChange", "false"),
    scalar("maxClockSkewSeconds", "2"),
    scalar("backups", "true"),
    scalar("backupInterval", "6h"),
    scalar("backupRetain", "7"),
    scalar("backupEachMember", "false"),
    scalar("backupMinFreeMiB", "1024"),
    scalar("knownHosts", `* ${TEST_HOST_KEYS.a} comment:`),
    scalar("insecureSkipHostKeyCheck", "false"),
    { name: "backupMembers", valid: "h1", place: (v) => ({ backupMembers: [v] }) },
    { name: "restore.snapshot", valid: path.join(BIN_DIR, "etcd.db"), place: (v) => ({ restore: { snapshot: v, generation: 1 } }) },
    { name: "extraArgs (flag name)", valid: "max-request-bytes", place: (v) => ({ extraArgs: { [v]: "1048576" } }) },
    { name: "extraArgs (string value)", valid: "stderr", place: (v) => ({ extraArgs: { "log-outputs": v } }) },
    { name: "extraArgs (URL value)", valid: "https://10.213.0.11:2379", place: (v) => ({ extraArgs: { "advertise-client-urls": v } }) },
    { name: "extraArgs (path value)", valid: "/etc/etcd/crl.pem", place: (v) => ({ extraArgs: { "client-crl-file": v } }) },
    node("name", "h1"),
    node("address", "10.213.0.11"),
    node("listenAddress", "10.213.0.11"),
    node("sshHost", "10.213.0.11"),
    node("sshPort", "22"),
    node("sshUser", "root"),
    node("hostname", "h1.example.internal"),
    node("extraSans", "h1.example.internal", (v) => [v]),
    { name: "nodes[0].extraArgs", valid: "stderr", place: (v) => ({ nodes: [{ ...NODES[0], extraArgs: { "log-outputs": v } }, NODES[1], NODES[2]] }) },
    node("hostKey", `${TEST_HOST_KEYS.b} root@h1`),
];

test("every configuration field is covered", () => {
    const covered = new Set(FIELDS.map((f) => f.name.replace(/^nodes\[0\]\./, "node:").replace(/ \(.*\)$/, "").replace(/\..*$/, "")));
    const missing = [...CONFIG_KEYS.filter((k) => k !== "nodes"), ...NODE_FIELDS.map((f) => `node:${f}`)].filter((k) => !covered.has(k));
    assert.deepEqual(missing, []);
});

function asPulumiConfig(values: Record<string, unknown>): Record<string, string> {
    return Object.fromEntries(
        Object.entries(values).map(([k, v]) => [`etcdhosts:${k}`, typeof v === "string" ? v : typeof v === "object" ? JSON.stringify(v) : String(v)]),
    );
}

/** Whether the parser and the plan accept the configuration. */
function accepted(raw: Record<string, unknown>): boolean {
    try {
        planCluster(parseClusterConfig({ ...raw, caKeyPem: raw.caKeyPem === true }));
        return true;
    } catch (e) {
        if (e instanceof ConfigError) return false;
        throw e;
    }
}

/** Every script and written file of one program run under mocks. */
async function render(values: Record<string, unknown>): Promise<{ scripts: { where: string; text: string }[]; files: { where: string; text: string }[] }> {
    const { caKeyPem, ...config } = values;
    const secrets: Record<string, string> = { sshPrivateKey: SSH_KEY, ...(caKeyPem === true ? { caKeyPem: EXTERNAL_CA_KEY } : {}) };
    pulumi.runtime.setAllConfig(
        { ...asPulumiConfig(config), ...Object.fromEntries(Object.entries(secrets).map(([k, v]) => [`etcdhosts:${k}`, v])) },
        Object.keys(secrets).map((k) => `etcdhosts:${k}`),
    );
    delete require.cache[INDEX];
    const from = mocks.resources.length;
    const original = console.warn;
    console.warn = () => undefined;
    try {
        await require(INDEX);
    } finally {
        console.warn = original;
    }
    await mocks.settle();
    const mine = mocks.resources.slice(from).filter((r) => r.type.startsWith("command:"));
    const scripts = mine.flatMap((r) => commandStrings(r).map((c) => ({ where: r.name, text: innerScript(c) })));
    const files = mine
        .filter((r) => typeof r.inputs.stdin === "string" && r.inputs.stdin.startsWith("--- 1\n"))
        .flatMap((r) => decodeFileBundle(r.inputs.stdin as string).map((text, i) => ({ where: `${r.name} file ${i + 1}`, text })));
    return { scripts, files };
}

/** Whether a written file is a shell script (sourced or run), a systemd file, or YAML. */
function kind(text: string): "shell" | "systemd" | "yaml" {
    if (/^#!\/bin\/sh|^# etcdctl environment|\nexport ETCDCTL_/m.test(text)) return "shell";
    if (/^\[(Unit|Service|Timer|Install)\]$/m.test(text) || /^ETCD_[A-Z_]+=/m.test(text)) return "systemd";
    return "yaml";
}

/** A value a systemd unit or EnvironmentFile reads back as it is: nothing to expand or split. */
const PLAIN = /^[A-Za-z0-9_@+=:,./-]*$/;

test("hostile values are refused at parse time or reach the hosts only as data", { timeout: 20 * 60_000 }, async (t) => {
    const problems: string[] = [];
    let refused = 0;
    let rendered = 0;
    for (const field of FIELDS) {
        for (const hostile of HOSTILE) {
            for (const value of [hostile, `${field.valid}${hostile}`]) {
                const raw = { ...BASE, ...(field.context ?? {}), ...field.place(value) };
                if (!accepted(raw)) {
                    refused++;
                    continue;
                }
                rendered++;
                let out: Awaited<ReturnType<typeof render>>;
                try {
                    out = await render(raw);
                } catch (e) {
                    // Accepted by the parser, then refused by the program: the parser let it through.
                    problems.push(`${field.name} = ${JSON.stringify(value).slice(0, 80)}: accepted, then the program failed: ${(e as Error).message.slice(0, 200)}`);
                    continue;
                }
                const { scripts, files } = out;
                assert.ok(scripts.length > 20, `${field.name}: only ${scripts.length} scripts rendered`);
                for (const s of scripts) {
                    for (const hit of activeOccurrences(s.text, value)) problems.push(`${field.name} = ${JSON.stringify(value)}: unquoted in ${s.where}: …${hit}…`);
                }
                for (const f of files) {
                    const k = kind(f.text);
                    if (k === "shell") {
                        for (const hit of activeOccurrences(f.text, value)) problems.push(`${field.name} = ${JSON.stringify(value)}: unquoted in ${f.where}: …${hit}…`);
                    } else if (k === "systemd" && !PLAIN.test(value) && f.text.includes(value)) {
                        problems.push(`${field.name} = ${JSON.stringify(value)}: in the systemd file ${f.where}`);
                    }
                }
            }
        }
    }
    t.diagnostic(`${refused} refused at parse time, ${rendered} accepted and rendered`);
    assert.deepEqual(problems, []);
    assert.ok(refused > FIELDS.length * HOSTILE.length, `${refused} refused`);
});

test("the check sees an unquoted value (it would fail on a script that interpolates one)", () => {
    assert.deepEqual(activeOccurrences(`echo ${PWN}$(reboot)`, "$(reboot)").length, 1);
    assert.deepEqual(activeOccurrences(`fail "marker ${"$(reboot)"} holds another token"`, "$(reboot)").length, 1);
    assert.deepEqual(activeOccurrences("url='https://x/$(reboot)'; echo \"$url\"", "https://x/$(reboot)"), []);
    assert.deepEqual(activeOccurrences("printf '%s' 'it'\"'\"'s'", "it's"), []);
    assert.deepEqual(activeOccurrences("# a comment with it's quote\nx;reboot", "x;reboot").length, 1);
});
