// Host failures end to end on a bed of three real hosts:
// (a) a host cut off the bed's bridge makes `up` fail within a bounded time, naming that host;
//     once it is back, `up` converges to a healthy three-member cluster;
// (b) a host whose /var/lib/etcd holds another cluster's data makes `up` fail at preflight with
//     a clear message, and that data is left exactly as it was (never wiped).
// Run as root:
//   source toolchain/env.sh && TS_NODE_TRANSPILE_ONLY=true node --require ts-node/register --test test/e2e/hostFailures.test.ts
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { Inventory, InventoryHost, bedStatus, cutHost, downBed, healHost } from "../support/testbed";
import { bedKnownHosts, bootBed, failingUp, hostOk, secs, systemdConfig } from "../support/e2e";
import { SandboxStack, StackConfig, bedNodes, sandboxStack, up } from "../support/sandboxStack";
import { EtcdClient } from "../support/etcdClient";

const BED = "e2efail";
const STACK = "e2e-host-failures";
/** A second, unrelated cluster aimed at a host of the first one. */
const OTHER_STACK = "e2e-host-failures-other";
const skip = process.getuid?.() === 0 ? false : "needs root (the test bed uses network namespaces, mounts, cgroups)";

/**
 * Upper bound for `up` against an unreachable host. The wait-for-SSH step gives up after
 * dialErrorLimit 20 (21 dials) of perDialTimeout 10 s with backoff capped at 5 s between them
 * (HostPreparation's sshWait defaults): at most about 21 × 10 s + 61 s ≈ 4.5 min even when every
 * dial runs into its timeout, and much less when the kernel reports the host unreachable. The
 * bound leaves room for the CLI's start on a loaded 2-core runner.
 */
const UNREACHABLE_UP_BOUND_MS = 5 * 60_000;

function config(inv: Inventory, nodes: StackConfig[] = bedNodes(inv)): StackConfig {
  return systemdConfig(nodes, { knownHosts: bedKnownHosts(inv) });
}

const ok = (host: InventoryHost, command: string): Promise<string> => hostOk(BED, host, command);

describe("host failures: an unreachable host, another cluster's data", { skip, timeout: 60 * 60_000 }, () => {
  let inv: Inventory;
  let s: SandboxStack | undefined;
  let other: SandboxStack | undefined;
  let client: EtcdClient | undefined;
  let unregister: () => void = () => undefined;

  before(async () => {
    ({ inv, unregister } = await bootBed(BED, 3));
    s = await sandboxStack(STACK, config(inv), { sshKeyFile: inv.sshPrivateKeyPath });
  });

  after(async () => {
    client?.dispose();
    try {
      // A cut host would make the destroy fail: put it back first.
      await healHost(3, { bed: BED }).catch(() => undefined);
      if (other !== undefined) await other.dispose();
    } finally {
      try {
        if (s !== undefined) await s.dispose();
      } finally {
        await downBed(BED);
        unregister();
      }
    }
  });

  async function healthyCluster(c: EtcdClient): Promise<void> {
    const endpoints = inv.hosts.map((h) => `https://${h.address}:2379`);
    const health = JSON.parse(await c.etcdctlOk(["endpoint", "health", "--cluster", "-w", "json"])) as { endpoint: string; health: boolean }[];
    assert.deepEqual(
      health.map((h) => [h.endpoint, h.health]).sort(),
      endpoints.map((e) => [e, true]),
      JSON.stringify(health),
    );
    const list = JSON.parse(await c.etcdctlOk(["member", "list", "-w", "json"])) as { members: { name: string; clientURLs: string[] }[] };
    assert.deepEqual(
      list.members.map((m) => [m.name, m.clientURLs]).sort(),
      inv.hosts.map((h) => [h.name, [`https://${h.address}:2379`]]),
    );
  }

  it("(a) up against a host cut off the network fails in bounded time naming it, then converges once it is back", { timeout: 30 * 60_000 }, async (t) => {
    const stack = s as SandboxStack;
    const h3 = inv.hosts[2];
    await cutHost(h3, { bed: BED });
    assert.equal((await bedStatus(BED)).hosts.find((h) => h.name === h3.name)?.link, "cut");

    const t0 = Date.now();
    const upError = await failingUp(stack);
    const elapsed = Date.now() - t0;
    console.log(`# up with ${h3.name} (${h3.address}) unreachable failed after ${secs(elapsed)} (bound ${secs(UNREACHABLE_UP_BOUND_MS)})`);
    t.diagnostic(`up with ${h3.name} unreachable failed after ${secs(elapsed)}`);
    assert.ok(upError !== undefined, "up succeeded with a host cut off the network");
    const message = upError.message;
    assert.ok(elapsed < UNREACHABLE_UP_BOUND_MS, `up took ${secs(elapsed)} to fail, over the bound of ${secs(UNREACHABLE_UP_BOUND_MS)}`);
    // The error names the host: its wait-for-SSH step and the address it could not dial.
    assert.ok(message.includes(`dial ${h3.address}:22: failed after 21 attempts (dialErrorLimit 20)`), `the error does not name ${h3.address}:\n${message.slice(-4000)}`);
    assert.match(message, new RegExp(`etcd-${h3.name}-host-wait-ssh`));
    // ...and only that host: the others were reachable.
    for (const h of inv.hosts.slice(0, 2)) assert.ok(!message.includes(`dial ${h.address}:22`), `the error blames ${h.name} too:\n${message.slice(-4000)}`);

    await healHost(h3, { bed: BED });
    assert.equal((await bedStatus(BED)).hosts.find((h) => h.name === h3.name)?.link, "up");
    const t1 = Date.now();
    const outputs = await up(stack);
    t.diagnostic(`up after healing ${h3.name} took ${secs(Date.now() - t1)}`);
    client = EtcdClient.fromOutputs(outputs);
    await healthyCluster(client);
  });

  it("(b) up against a host holding another cluster's data fails at preflight and leaves the data as it was", { timeout: 20 * 60_000 }, async (t) => {
    const c = client as EtcdClient;
    const h2 = inv.hosts[1];
    // h2's /var/lib/etcd holds the first cluster's data: its member/ dir and a marker with that
    // cluster's token. To a second cluster (a new token) that is another cluster's data.
    await c.etcdctlOk(["put", "/e2e/first-cluster", "still here"]);
    // The live member keeps writing its WAL and db, so compare what a wipe or a re-init would
    // change: the marker's content, the tree of names, and the inodes of the marker and member/.
    const fingerprint = "cd /var/lib/etcd && cat .etcdhosts-cluster-token && find . | sort && stat -c '%n %i %a %U:%G' . .etcdhosts-cluster-token member member/wal member/snap";
    const before = await ok(h2, fingerprint);
    const firstToken = before.split("\n")[0];
    assert.match(firstToken, /^etcd-[0-9a-f]{32}$/);
    const pidBefore = await ok(h2, "systemctl show etcd.service -p MainPID --value");

    other = await sandboxStack(OTHER_STACK, config(inv, [{ name: h2.name, address: h2.address }]), { sshKeyFile: inv.sshPrivateKeyPath });
    const t0 = Date.now();
    const upError = await failingUp(other);
    t.diagnostic(`up of the other cluster failed after ${secs(Date.now() - t0)}`);
    assert.ok(upError !== undefined, "up of another cluster succeeded on a host holding the first cluster's data");
    const message = upError.message;
    const expected = new RegExp(
      `etcdhosts preflight failed on ${h2.name}: data dir /var/lib/etcd belongs to another etcd cluster: its marker /var/lib/etcd/\\.etcdhosts-cluster-token holds token '${firstToken}', this cluster's token is 'etcd-[0-9a-f]{32}'\\. It is never wiped automatically`,
    );
    assert.match(message, expected);
    assert.match(message, new RegExp(`etcd-${h2.name}-host-preflight`));
    // Nothing after preflight ran for the other cluster.
    assert.doesNotMatch(message, /-install|-account|-data-dir/);

    // The data is exactly as it was, and the first cluster's member on h2 never stopped.
    assert.equal(await ok(h2, fingerprint), before);
    assert.equal(await ok(h2, "systemctl show etcd.service -p MainPID --value"), pidBefore);
    assert.equal((await c.etcdctlOk(["get", "/e2e/first-cluster", "--print-value-only"])).trim(), "still here");
    await healthyCluster(c);

    // Destroying the failed cluster removes nothing of the first one either.
    await other.dispose();
    other = undefined;
    assert.equal(await ok(h2, fingerprint), before);
    assert.equal(await ok(h2, "systemctl show etcd.service -p MainPID --value"), pidBefore);
    await healthyCluster(c);
  });
});
