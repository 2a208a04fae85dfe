// Invalid configurations fail at `preview`, each with an error naming the config field, and no
// host is touched: on a bed with one real host, the host's sshd journal (read with `tb exec`, not
// over SSH) shows no new login across all the previews, and nothing of etcd appears on it.
// Run as root:
//   source toolchain/env.sh && TS_NODE_TRANSPILE_ONLY=true node --require ts-node/register --test test/e2e/badInput.test.ts
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import type { LocalWorkspace } from "@pulumi/pulumi/automation";
import { Inventory, downBed, execHost, sshHost } from "../support/testbed";
import { bedKnownHosts, bootBed, secs, systemdConfig } from "../support/e2e";
import { SandboxStack, StackConfig, preview, sandboxStack } from "../support/sandboxStack";

const BED = "e2ebad";
const skip = process.getuid?.() === 0 ? false : "needs root (the test bed uses network namespaces, mounts, cgroups)";
/** Previews run this many at a time, one stack each: every preview starts a CLI and a Node program. */
const WORKERS = 2;

interface BadCase {
  name: string;
  /** Config overrides on top of a valid one-member systemd config for the bed's host. */
  config: (inv: Inventory) => StackConfig;
  /** Environment of the CLI for this case; `undefined` unsets a variable. */
  env?: (inv: Inventory) => Record<string, string | undefined>;
  /** Texts the error must contain: each names the field (`field: message`). */
  expect: (inv: Inventory) => string[];
}

/** The bed host's address with its last octet replaced. */
const addr = (inv: Inventory, last: number | string) => inv.hosts[0].address.replace(/\.[0-9]+$/, `.${last}`);
const node = (inv: Inventory, name: string, last: number | string) => ({ name, address: addr(inv, last) });

const CASES: BadCase[] = [
  {
    name: "zero members",
    config: () => ({ nodes: [] }),
    expect: () => ["nodes: at least one member is required, got 0"],
  },
  {
    // An even count is refused where the layout fixes the count; for `systemd` it is a warning
    // (see the last test), as etcd itself accepts it.
    name: "even member count for pc-master",
    config: (inv) => ({ layout: "pc-master", nodes: [node(inv, "h1", 11), node(inv, "h2", 12)] }),
    expect: () => ['nodes: layout "pc-master" runs exactly one member, got 2'],
  },
  {
    name: "duplicate member names",
    config: (inv) => ({ nodes: [node(inv, "h1", 11), node(inv, "h1", 12), node(inv, "h3", 13)] }),
    expect: () => ['nodes[1].name: "h1" is already used by nodes[0] ("h1")'],
  },
  {
    name: "duplicate addresses",
    config: (inv) => ({ nodes: [node(inv, "h1", 11), node(inv, "h2", 11), node(inv, "h3", 13)] }),
    expect: (inv) => [`nodes[1].address: "${addr(inv, 11)}" is already used by nodes[0] ("h1")`],
  },
  {
    name: "bad address",
    config: (inv) => ({ nodes: [node(inv, "h1", 300)] }),
    expect: (inv) => [`nodes[0].address: "${addr(inv, 300)}" is not a valid IPv4/IPv6 address or DNS name`],
  },
  {
    name: "loopback address",
    config: () => ({ nodes: [{ name: "h1", address: "127.0.0.1" }] }),
    expect: () => ['nodes[0].address: "127.0.0.1" is not routable'],
  },
  {
    name: "unknown node field",
    config: (inv) => ({ nodes: [{ name: "h1", adress: inv.hosts[0].address }] }),
    expect: () => ["nodes[0].adress: unknown node field", "nodes[0].address: required"],
  },
  {
    name: "election timeout below 5 heartbeats",
    config: () => ({ heartbeatIntervalMs: 200, electionTimeoutMs: 500 }),
    expect: () => ["electionTimeoutMs: --election-timeout[500ms] should be at least as 5 times as --heartbeat-interval[200ms]"],
  },
  {
    name: "election timeout above etcd's maximum",
    config: () => ({ electionTimeoutMs: 60000 }),
    expect: () => ["electionTimeoutMs: --election-timeout[60000ms] is too long, and should be set less than 50000ms"],
  },
  {
    name: "zero heartbeat",
    config: () => ({ heartbeatIntervalMs: 0 }),
    expect: () => ["heartbeatIntervalMs: --heartbeat-interval must be >0 (set to 0ms)"],
  },
  {
    name: "advertised URL not covered by the certificate SANs",
    config: () => ({ extraArgs: { "advertise-client-urls": "https://etcd.example.internal:2379" } }),
    expect: () => ['nodes[0].extraSans: https://etcd.example.internal:2379 (advertise-client-urls) is not covered by the certificates of member "h1"; add "etcd.example.internal"'],
  },
  {
    name: "flag unknown to etcd 3.4",
    config: () => ({ etcdVersion: "3.4.23", installMethod: "package", extraArgs: { "feature-gates": "StopGRPCServiceOnDefrag=true" } }),
    expect: () => ["extraArgs.feature-gates: --feature-gates needs etcd 3.6 or later (etcdVersion is 3.4.23)"],
  },
  {
    name: "misspelt flag for etcd 3.6",
    config: (inv) => ({ nodes: [{ ...node(inv, "h1", 11), extraArgs: { "max-request-byte": 10485760 } }] }),
    expect: () => ['nodes[0].extraArgs.max-request-byte: --max-request-byte is not an etcd 3.6 flag (did you mean "max-request-bytes"?)'],
  },
  {
    name: "unsupported etcd version",
    config: () => ({ etcdVersion: "3.3.25" }),
    expect: () => ['etcdVersion: "3.3.25" is not supported; supported series: 3.4, 3.5, 3.6'],
  },
  {
    name: "unknown install method",
    config: () => ({ installMethod: "apt" }),
    expect: () => ['installMethod: "apt" is not one of package, binary, tarball, preinstalled'],
  },
  {
    name: "tarball install without URL and sha256",
    config: () => ({ installMethod: "tarball" }),
    expect: () => ['tarballUrl: required when installMethod is "tarball"', 'tarballSha256: required when installMethod is "tarball"'],
  },
  {
    name: "binary install from a directory without etcd",
    config: () => ({ etcdBinaryDir: "/nonexistent/etcd-bin" }),
    expect: () => ["etcdBinaryDir: /nonexistent/etcd-bin has no readable etcd or etcdctl"],
  },
  {
    name: "missing SSH key",
    config: () => ({}),
    env: () => ({ ETCDHOSTS_SSH_KEY_FILE: undefined }),
    expect: () => ["sshPrivateKey: required"],
  },
  // Hostile values: refused at preview, before anything could reach a host's shell or a unit.
  {
    name: "etcdPath with a command substitution (the issue's example)",
    config: () => ({ installMethod: "preinstalled", etcdPath: "/opt/$(touch${IFS}/tmp/x)/etcd" }),
    expect: () => ['etcdPath: "/opt/$(touch${IFS}/tmp/x)/etcd" is not a path of letters, digits'],
  },
  {
    name: "etcdPath with a systemd specifier",
    config: () => ({ installMethod: "preinstalled", etcdPath: "/home/%u/etcd" }),
    expect: () => ['etcdPath: "/home/%u/etcd" is not a path of letters, digits'],
  },
  {
    name: "etcdBinaryDir with a shell expansion",
    config: () => ({ etcdBinaryDir: "$HOME/etcd`reboot`" }),
    expect: () => ['etcdBinaryDir: "$HOME/etcd`reboot`" is not a path of letters, digits'],
  },
  {
    name: "tarball URL with a quote and a separator",
    config: () => ({ installMethod: "tarball", tarballUrl: "https://mirror/etcd.tgz'; reboot; '", tarballSha256: "a".repeat(64) }),
    expect: () => [`tarballUrl: "https://mirror/etcd.tgz'; reboot; '" holds characters no URL has`],
  },
  {
    name: "flag value with a line break that would add a key to etcd.conf.yml",
    config: () => ({ extraArgs: { "log-outputs": "stderr\nclient-cert-auth: false" } }),
    expect: () => ['extraArgs.log-outputs: "stderr\\nclient-cert-auth: false" is not a flag value etcdhosts passes on'],
  },
  {
    name: "flag name with a separator",
    config: () => ({ extraArgs: { "max-request-bytes;reboot": 1 } }),
    expect: () => ['extraArgs: "max-request-bytes;reboot" is not an etcd flag name'],
  },
  {
    name: "member name with a command substitution",
    config: (inv) => ({ nodes: [{ name: "$(reboot)", address: addr(inv, 11) }] }),
    expect: () => ['nodes[0].name: "$(reboot)" is not a lowercase DNS label'],
  },
  {
    name: "SSH user with backticks",
    config: () => ({ sshUser: "root`reboot`" }),
    expect: () => ['sshUser: "root`reboot`" is not a user name'],
  },
  {
    name: "hostname and extra SAN with spaces and separators",
    config: (inv) => ({ nodes: [{ name: "h1", address: addr(inv, 11), hostname: "h1 example", extraSans: ["a;b"] }] }),
    expect: () => ['nodes[0].hostname: "h1 example" is not a DNS name', 'nodes[0].extraSans[0]: "a;b" is not an IP address or DNS name'],
  },
  {
    name: "container image name of 600 characters",
    config: () => ({ layout: "static-pod", etcdImage: "e".repeat(600) }),
    expect: () => [`etcdImage: "${"e".repeat(60)}…" is not a container image reference (at most 512 characters)`],
  },
  // mTLS always.
  {
    name: "plaintext client listener on all interfaces",
    config: () => ({ extraArgs: { "listen-client-urls": "http://0.0.0.0:2379" } }),
    expect: () => ["extraArgs.listen-client-urls: http://0.0.0.0:2379 is plain HTTP; every client URL is https"],
  },
  {
    name: "plaintext HTTP-only client listener",
    config: (inv) => ({ extraArgs: { "listen-client-http-urls": `http://${addr(inv, 11)}:2390` } }),
    expect: (inv) => [`extraArgs.listen-client-http-urls: http://${addr(inv, 11)}:2390 is plain HTTP; every client URL is https`],
  },
  {
    name: "plaintext metrics beyond loopback",
    config: () => ({ extraArgs: { "listen-metrics-urls": "http://0.0.0.0:2381" } }),
    expect: () => ["extraArgs.listen-metrics-urls: http://0.0.0.0:2381 would serve /metrics and /health in plaintext beyond loopback"],
  },
  {
    name: "client certificate authentication turned off",
    config: () => ({ extraArgs: { "client-cert-auth": false } }),
    expect: () => ["extraArgs.client-cert-auth: --client-cert-auth is managed by etcdhosts (client certificate authentication is always on)"],
  },
  // Host keys.
  {
    name: "no host key for the node",
    config: () => ({ knownHosts: "" }),
    expect: (inv) => [`nodes[0].hostKey: required: no SSH host key for ${inv.hosts[0].address}`],
  },
  {
    name: "a host key that is a shell payload",
    config: (inv) => ({ nodes: [{ name: "h1", address: addr(inv, 11), hostKey: "ssh-ed25519 $(reboot)" }] }),
    expect: () => ['nodes[0].hostKey: "ssh-ed25519 $(reboot)" is not an SSH host public key (the key is not base64)'],
  },
  {
    name: "known_hosts with a certificate authority marker",
    config: (inv) => ({ knownHosts: `@cert-authority * ${fs.readFileSync(inv.knownHostsPath, "utf8").split("\n")[0].split(" ").slice(1).join(" ")}` }),
    expect: () => ['knownHosts: line 1: markers such as "@cert-authority" are not supported'],
  },
  {
    name: "SSH key file that does not exist",
    config: () => ({}),
    env: () => ({ ETCDHOSTS_SSH_KEY_FILE: "/nonexistent/id_ed25519" }),
    expect: () => ["sshPrivateKey: not set, and ETCDHOSTS_SSH_KEY_FILE names /nonexistent/id_ed25519, which cannot be read (ENOENT)"],
  },
];

describe("invalid configurations fail at preview, naming the field, touching no host", { skip, timeout: 45 * 60_000 }, () => {
  let inv: Inventory;
  const stacks: SandboxStack[] = [];
  let unregister: () => void = () => undefined;
  /** `Accepted publickey` lines in the host's sshd journal before the previews. */
  let loginsBefore = -1;
  /** All lines of the host's sshd journal before the previews. */
  let sshdLinesBefore = -1;

  function valid(overrides: StackConfig = {}): StackConfig {
    return systemdConfig([{ name: "h1", address: inv.hosts[0].address }], { knownHosts: bedKnownHosts(inv), ...overrides });
  }

  /**
   * sshd's journal on the host, read inside it (nsenter), not over SSH: its successful logins,
   * and every line it logged at all (a refused or aborted connection is logged too).
   */
  async function sshdJournal(): Promise<{ logins: number; lines: number }> {
    const r = await execHost(
      1,
      "j=$(journalctl --no-pager -o cat SYSLOG_IDENTIFIER=sshd); printf '%s\\n' \"$j\" | grep -c 'Accepted publickey' || true; printf '%s\\n' \"$j\" | grep -c . || true",
      { bed: BED, timeoutMs: 60_000 },
    );
    assert.equal(r.code, 0, r.stderr);
    const [logins, lines] = r.stdout.trim().split("\n").map(Number);
    return { logins, lines };
  }

  async function sshLogins(): Promise<number> {
    return (await sshdJournal()).logins;
  }

  /** What of etcd is on the host: nothing is expected. */
  async function etcdTraces(): Promise<string> {
    const paths = ["/etc/etcd", "/etc/systemd/system/etcd.service", "/usr/local/bin/etcd", "/var/lib/etcd/.etcdhosts-cluster-token", "/etc/profile.d/etcdctl.sh"];
    const r = await execHost(
      1,
      paths.map((p) => `[ ! -e ${p} ] || echo "exists: ${p}"`).join("; ") + "; ls /var/tmp | grep etcdhosts || true; pgrep -a -x etcd || true",
      { bed: BED, timeoutMs: 60_000 },
    );
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.trim();
  }

  before(async () => {
    ({ inv, unregister } = await bootBed(BED, 1));
    // The key reaches the program only through each stack's own environment (see the key cases).
    delete process.env.ETCDHOSTS_SSH_KEY_FILE;
    for (let i = 0; i < WORKERS; i++) stacks.push(await sandboxStack(`e2e-bad-input-${i}`, valid(), { sshKeyFile: inv.sshPrivateKeyPath }));
    // `tb up` waits for SSH, so there is at least that login to count.
    ({ logins: loginsBefore, lines: sshdLinesBefore } = await sshdJournal());
    assert.ok(loginsBefore >= 1, `no 'Accepted publickey' line in the host's sshd journal (got ${loginsBefore}): the count would prove nothing`);
    assert.equal(await etcdTraces(), "");
  });

  after(async () => {
    try {
      // Nothing was created, so these destroys are no-ops; they remove the stacks and work dirs.
      for (const s of stacks) await s.dispose();
    } finally {
      await downBed(BED);
      unregister();
    }
  });

  it(`${CASES.length} invalid configurations each fail at preview with an error naming the field`, { timeout: 40 * 60_000 }, async (t) => {
    const results: { name: string; ms: number; problem?: string }[] = [];
    const queue = [...CASES];
    const worker = async (s: SandboxStack) => {
      const ws = s.stack.workspace as LocalWorkspace;
      const baseEnv = { ...ws.envVars };
      for (let c = queue.shift(); c !== undefined; c = queue.shift()) {
        const t0 = Date.now();
        s.setConfig(valid(c.config(inv)));
        for (const [k, v] of Object.entries(c.env?.(inv) ?? {})) {
          if (v === undefined) delete ws.envVars[k];
          else ws.envVars[k] = v;
        }
        let problem: string | undefined;
        try {
          await preview(s);
          problem = "preview succeeded";
        } catch (e) {
          const message = (e as Error).message;
          const missing = c.expect(inv).filter((x) => !message.includes(x));
          if (missing.length > 0) problem = `error lacks ${JSON.stringify(missing)}:\n${message.slice(-3000)}`;
          else if (/    at .*\(.*\.[jt]s:[0-9]+:[0-9]+\)/.test(message)) problem = `error carries a stack trace:\n${message.slice(-3000)}`;
        } finally {
          for (const k of Object.keys(ws.envVars)) delete ws.envVars[k];
          Object.assign(ws.envVars, baseEnv);
        }
        results.push({ name: c.name, ms: Date.now() - t0, ...(problem !== undefined ? { problem } : {}) });
      }
    };
    const t0 = Date.now();
    await Promise.all(stacks.map(worker));
    t.diagnostic(`${CASES.length} previews in ${secs(Date.now() - t0)} (${WORKERS} at a time)`);
    for (const r of results) t.diagnostic(`${r.problem === undefined ? "ok  " : "FAIL"} ${r.name} (${secs(r.ms)})`);
    assert.deepEqual(
      results.filter((r) => r.problem !== undefined).map((r) => `${r.name}: ${r.problem}`),
      [],
    );
    assert.equal(results.length, CASES.length);
  });

  it("an even member count for systemd is a warning naming nodes, not an error", { timeout: 10 * 60_000 }, async () => {
    const s = stacks[0];
    // The bed has one host; h2's pinned key is h1's (a preview never connects).
    const h1Keys = bedKnownHosts(inv).split("\n").filter((l) => l.startsWith("h1,"));
    const knownHosts = [bedKnownHosts(inv).trim(), ...h1Keys.map((l) => l.replace(/^h1,\S+/, `h2,${addr(inv, 12)}`))].join("\n");
    s.setConfig(valid({ nodes: [node(inv, "h1", 11), node(inv, "h2", 12)], knownHosts }));
    const start = s.transcript.length;
    const result = await preview(s);
    assert.ok((result.changeSummary.create ?? 0) > 0, JSON.stringify(result.changeSummary));
    assert.match(s.transcript.slice(start).join(""), /nodes: an even number of members \(2\) tolerates no more failures than 1/);
  });

  it("no host was touched: no SSH login during the previews, nothing of etcd on the host", { timeout: 5 * 60_000 }, async () => {
    const journal = await sshdJournal();
    assert.equal(journal.logins, loginsBefore, "the host's sshd accepted a login during the previews");
    assert.equal(journal.lines, sshdLinesBefore, "the host's sshd logged a connection during the previews");
    assert.equal(await etcdTraces(), "");
    // The count does see a login: one SSH command shows up as one more line.
    const r = await sshHost(1, "true", { bed: BED, timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr);
    let after = loginsBefore;
    for (const deadline = Date.now() + 30_000; Date.now() < deadline && after === loginsBefore; ) {
      await new Promise((res) => setTimeout(res, 500));
      after = await sshLogins();
    }
    assert.equal(after, loginsBefore + 1);
  });
});
