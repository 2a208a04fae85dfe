// SSH host keys in the configuration: nodes[].hostKey, the stack-wide knownHosts text and the
// insecureSkipHostKeyCheck opt-out (components/validateHostKeys.ts). Exact messages; the keys
// are the throwaway TEST_HOST_KEYS. That a pinned key reaches every SSH step is in
// test/components/program.test.ts; that a host with another key is refused before anything is
// sent, in toolchain/command's Go tests and test/e2e/hostKeys.test.ts.

import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as crypto from "node:crypto";
import { parseClusterConfig } from "../../components/config";
import { HOST_KEY_TYPES, lookupHostKey, parseHostKey, parseKnownHosts } from "../../components/validateHostKeys";
import { Problems } from "../../components/validateValues";
import { TEST_HOST_KEYS, THREE_NODES, parseWith, problemsOf, rawConfig } from "./helpers";

const { a: A, b: B, c: C, ecdsa: EC } = TEST_HOST_KEYS;

/** The pinned key of each node after parsing. */
const pinned = (overrides: Record<string, unknown>): (string | undefined)[] => parseWith(overrides).nodes.map((n) => n.hostKey);

/** A HashKnownHosts entry for a name: |1|salt|HMAC-SHA1(salt, name). */
function hashed(name: string): string {
    const salt = crypto.randomBytes(20);
    return `|1|${salt.toString("base64")}|${crypto.createHmac("sha1", salt).update(name).digest("base64")}`;
}

const MISSING = (i: number, name: string): string =>
    `nodes[${i}].hostKey: required: no SSH host key for ${name}; set nodes[${i}].hostKey or list the host in knownHosts ` +
    `(collect keys over a trusted path, see the README's "SSH host keys"), or set insecureSkipHostKeyCheck: true for a lab network`;

describe("host keys are required by default", () => {
    it("Pulumi.yaml's defaults pin nothing: every node is an error naming its address", () => {
        assert.deepEqual(problemsOf(rawConfig({ knownHosts: "" })), [MISSING(0, "10.213.0.11"), MISSING(1, "10.213.0.12"), MISSING(2, "10.213.0.13")]);
    });

    it("names the host as known_hosts does: [host]:port off port 22, sshHost not address", () => {
        const nodes = [{ name: "h1", address: "10.213.0.11", sshHost: "fd00::0011", sshPort: 2222 }];
        assert.deepEqual(problemsOf(rawConfig({ knownHosts: "", nodes })), [MISSING(0, "[fd00::11]:2222")]);
    });

    it("insecureSkipHostKeyCheck: true connects unchecked, with a warning naming the unchecked nodes", () => {
        const c = parseWith({ knownHosts: `10.213.0.12 ${B}`, insecureSkipHostKeyCheck: true });
        assert.deepEqual(c.nodes.map((n) => n.hostKey), [undefined, B, undefined]);
        assert.deepEqual(c.warnings, [
            "insecureSkipHostKeyCheck: SSH host keys of h1, h3 are NOT checked: whoever answers at their addresses receives the cluster's private keys. Lab use only",
        ]);
    });

    it("insecureSkipHostKeyCheck with every key pinned changes nothing, and says so", () => {
        const c = parseWith({ insecureSkipHostKeyCheck: "true" });
        assert.deepEqual(c.nodes.map((n) => n.hostKey), [A, A, A]);
        assert.deepEqual(c.warnings, ["insecureSkipHostKeyCheck: has no effect: every node's host key is pinned"]);
    });
});

describe("nodes[].hostKey", () => {
    it("is pinned without its comment, and wins over knownHosts", () => {
        const nodes = [{ ...THREE_NODES[0], hostKey: `  ${B} root@h1 ` }, THREE_NODES[1], { ...THREE_NODES[2], hostKey: EC }];
        assert.deepEqual(pinned({ nodes }), [B, A, EC]);
    });

    const BAD: [string, string, string][] = [
        ["a bare base64 blob", A.split(" ")[1], 'expected "<key type> <base64 key>", one line'],
        ["an unknown type", `ssh-dss ${A.split(" ")[1]}`, 'key type "ssh-dss" is not one of ssh-ed25519, ecdsa-sha2-nistp521, ecdsa-sha2-nistp384, ecdsa-sha2-nistp256, ssh-rsa'],
        ["a key under another type's name", `ssh-ed25519 ${EC.split(" ")[1]}`, "the key data is not a ssh-ed25519 key (truncated, or pasted under another type)"],
        ["a truncated key", A.slice(0, -8), "the key data is not a ssh-ed25519 key (wrong length)"],
        ["a key cut mid-character", A.slice(0, -3), "the key is not base64"],
        ["two lines", `${A}\n${B}`, 'expected "<key type> <base64 key>", one line'],
        ["a shell payload", "ssh-ed25519 $(touch /tmp/x)", "the key is not base64"],
    ];
    for (const [name, value, why] of BAD) {
        it(`refuses ${name}`, () => {
            const shown = JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
            assert.deepEqual(problemsOf(rawConfig({ nodes: [{ ...THREE_NODES[0], hostKey: value }] })), [
                `nodes[0].hostKey: ${shown} is not an SSH host public key (${why}); copy the host's /etc/ssh/ssh_host_ed25519_key.pub over a trusted path`,
            ]);
        });
    }
});

describe("knownHosts", () => {
    it("matches names, addresses, [host]:port, hashed names, wildcards and negations, as OpenSSH does", () => {
        const nodes = [
            { name: "n1", address: "10.0.0.1" },
            { name: "n2", address: "10.0.0.2", sshHost: "bastion.example.com", sshPort: 2222 },
            { name: "n3", address: "10.0.0.3" },
            { name: "n4", address: "fd00::4" },
            { name: "n5", address: "10.9.0.5" },
        ];
        const knownHosts = [
            "# collected with ssh-keyscan over the management network",
            `h1,10.0.0.1 ${A} root@h1`,
            "",
            `[Bastion.Example.com]:2222 ${B}`,
            `bastion.example.com ${C}`,
            `${hashed("10.0.0.3")} ${C}`,
            `FD00:0:0:0::4 ${B}`,
            `10.9.0.*,!10.9.0.6 ${EC}`,
        ].join("\r\n");
        assert.deepEqual(pinned({ nodes, knownHosts }), [A, B, C, B, EC]);
        assert.deepEqual(problemsOf(rawConfig({ nodes: [{ name: "n6", address: "10.9.0.6" }], knownHosts })), [MISSING(0, "10.9.0.6")]);
    });

    it("pins one key per host, preferring ed25519 over ecdsa over rsa", () => {
        assert.deepEqual(HOST_KEY_TYPES, ["ssh-ed25519", "ecdsa-sha2-nistp521", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp256", "ssh-rsa"]);
        assert.deepEqual(pinned({ knownHosts: `* ${EC}\n10.213.0.12 ${B}\n10.213.0.12 ${B}` }), [EC, B, EC]);
    });

    it("refuses two different keys of one type for a host (a stale line after a rotation)", () => {
        assert.deepEqual(problemsOf(rawConfig({ knownHosts: `* ${A}\n10.213.0.12 ${B}` })), [
            "knownHosts: lists 2 different ssh-ed25519 keys for 10.213.0.12; keep only the host's current key",
        ]);
    });

    it("reports every bad line by number and pins nothing from it", () => {
        const knownHosts = [`@cert-authority *.example.com ${A}`, "10.213.0.11", `10.213.0.12 ssh-ed25519 ${EC.split(" ")[1]}`, `10.213.0.13 ${A}`].join("\n");
        assert.deepEqual(problemsOf(rawConfig({ knownHosts })), [
            'knownHosts: line 1: markers such as "@cert-authority" are not supported: list each host with its own host key',
            'knownHosts: line 2: expected "<host>[,<host>…] <key type> <base64 key> [comment]", got "10.213.0.11"',
            "knownHosts: line 3: the key data is not a ssh-ed25519 key (truncated, or pasted under another type)",
            MISSING(0, "10.213.0.11"),
            MISSING(1, "10.213.0.12"),
        ]);
    });

    it("parses Pulumi's string values of both settings", () => {
        const c = parseClusterConfig({ ...rawConfig(), knownHosts: `* ${B}`, insecureSkipHostKeyCheck: "false" });
        assert.deepEqual(c.nodes.map((n) => n.hostKey), [B, B, B]);
        assert.deepEqual(problemsOf(rawConfig({ insecureSkipHostKeyCheck: "maybe" })), ['insecureSkipHostKeyCheck: expected true or false, got "maybe"']);
    });
});

describe("the pure helpers", () => {
    it("parseHostKey keeps type and key, drops the comment", () => {
        assert.deepEqual(parseHostKey(`${A} root@h1`), { key: A });
        assert.deepEqual(parseHostKey("ssh-ed25519"), { problem: 'expected "<key type> <base64 key>", one line' });
    });

    it("lookupHostKey finds nothing in empty known_hosts", () => {
        const p = new Problems();
        assert.deepEqual(lookupHostKey(parseKnownHosts(p, "knownHosts", "\n# nothing\n"), "10.0.0.1", 22), {});
        assert.deepEqual(p.errors, []);
    });
});
