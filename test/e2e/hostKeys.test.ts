// Pinned SSH host keys against a real sshd: a host that presents another key than the one pinned
// (an impostor at a member's address) makes `up` fail naming the host before anything is sent:
// the host's sshd logs no login and the host holds nothing of etcd, or, on a running member,
// its configuration is unchanged. Then the README's rotation procedure: pin the new key, `up`.
// Run as root:
//   source toolchain/env.sh && TS_NODE_TRANSPILE_ONLY=true node --require ts-node/register --test test/e2e/hostKeys.test.ts
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { Inventory, InventoryHost, downBed, execHost } from "../support/testbed";
import { bedKnownHosts, bootBed, failingUp, secs, systemdConfig } from "../support/e2e";
import { SandboxStack, StackConfig, sandboxStack, up } from "../support/sandboxStack";
import { TEST_HOST_KEYS } from "../unit/helpers";

const BED = "e2ehkey";
const STACK = "e2e-host-keys";
const skip = process.getuid?.() === 0 ? false : "needs root (the test bed uses network namespaces, mounts, cgroups)";
const CONFIG_FILE = "/etc/etcd/etcd.conf.yml";

describe("pinned host keys: an impostor at a member's address gets nothing", { skip, timeout: 40 * 60_000 }, () => {
  let inv: Inventory;
  let host: InventoryHost;
  let s: SandboxStack | undefined;
  let unregister: () => void = () => undefined;

  const config = (knownHosts: string, overrides: StackConfig = {}): StackConfig =>
    systemdConfig([{ name: host.name, address: host.address }], { knownHosts, heartbeatIntervalMs: 100, electionTimeoutMs: 1000, ...overrides });

  /** A command inside the host, not over SSH (SSH is what is under test). */
  async function inside(command: string): Promise<string> {
    const r = await execHost(host, command, { bed: BED, timeoutMs: 60_000 });
    assert.equal(r.code, 0, `${command}\n${r.stderr}`);
    return r.stdout.trim();
  }

  /** Logins sshd accepted so far (its journal, read inside the host). */
  async function logins(): Promise<number> {
    return Number(await inside("journalctl --no-pager -o cat SYSLOG_IDENTIFIER=sshd | grep -c 'Accepted publickey' || true"));
  }

  /** The error of an `up` that must fail on the host key: names the host, says why, no stack trace. */
  function assertRefused(err: Error | undefined): void {
    assert.ok(err !== undefined, "up succeeded against a host with another host key");
    const message = err.message;
    assert.ok(message.includes(`host key mismatch for ${host.address}:22`), message.slice(-3000));
    assert.ok(message.includes("refusing to connect"), message.slice(-3000));
  }

  before(async () => {
    ({ inv, unregister } = await bootBed(BED, 1));
    host = inv.hosts[0];
  });

  after(async () => {
    try {
      if (s !== undefined) await s.dispose();
    } finally {
      await downBed(BED);
      unregister();
    }
  });

  it("a first up against a host with another key than the pinned one fails naming it; nothing reaches the host", { timeout: 10 * 60_000 }, async () => {
    const before = await logins();
    assert.ok(before >= 1, "no login in the host's journal yet: the count would prove nothing");
    // The bed's host h1 answers with its own key; the stack pins another one.
    s = await sandboxStack(STACK, config(`${host.address} ${TEST_HOST_KEYS.b}\n`), { sshKeyFile: inv.sshPrivateKeyPath });
    const t0 = Date.now();
    assertRefused(await failingUp(s));
    console.log(`# refused in ${secs(Date.now() - t0)}`);
    // The handshake failed before authentication: no login, so no command and no stdin.
    assert.equal(await logins(), before, "sshd accepted a login from a client that should have refused the host");
    const traces = ["/etc/etcd", "/var/lib/etcd/.etcdhosts-cluster-token", "/var/lib/etcdhosts", "/usr/local/bin/etcd", "/etc/systemd/system/etcd.service"];
    assert.equal(await inside(`${traces.map((p) => `[ ! -e ${p} ] || echo "exists: ${p}"`).join("; ")}; ls /var/tmp | grep etcdhosts || true`), "");
  });

  it("with the bed's own keys pinned, up builds the member", { timeout: 15 * 60_000 }, async () => {
    s!.setConfig(config(bedKnownHosts(inv)));
    const out = await up(s!);
    assert.match(String(out.clusterId), /^[0-9]+$/);
    assert.equal(await inside(`test -s /etc/etcd/pki/server.key && grep -c max-request-bytes ${CONFIG_FILE} || true`), "0");
  });

  it("an impostor (new host keys at the member's address) fails the next up that has work, naming the host, writing nothing", { timeout: 10 * 60_000 }, async () => {
    const configBefore = await inside(`sha256sum ${CONFIG_FILE}`);
    await inside("rm -f /etc/ssh/ssh_host_* && ssh-keygen -A >/dev/null && systemctl restart ssh");
    const before = await logins();
    // A change that would rewrite the configuration and roll the member.
    s!.setConfig(config(bedKnownHosts(inv), { extraArgs: { "max-request-bytes": 2097152 } }));
    assertRefused(await failingUp(s!));
    assert.equal(await logins(), before);
    assert.equal(await inside(`sha256sum ${CONFIG_FILE}`), configBefore);
  });

  it("rotation: the new key, read on the host, pinned in knownHosts; up converges and applies the change", { timeout: 15 * 60_000 }, async () => {
    const pub = (await inside("cut -d' ' -f1,2 /etc/ssh/ssh_host_ed25519_key.pub")).trim();
    s!.setConfig(config(`${host.name},${host.address} ${pub}\n`, { extraArgs: { "max-request-bytes": 2097152 } }));
    const out = await up(s!);
    assert.match(String(out.clusterId), /^[0-9]+$/);
    assert.equal(await inside(`grep -c 'max-request-bytes: 2097152' ${CONFIG_FILE}`), "1");
    assert.equal(await inside("systemctl is-active etcd.service"), "active");
  });
});
