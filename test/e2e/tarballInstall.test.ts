// `installMethod: tarball` end to end: a three-node systemd cluster whose hosts fetch an etcd
// release tarball over HTTP and check its sha256 before extracting it. The tarball is packed
// from the toolchain's etcd 3.6 like upstream's release and served from the runner's address on
// the bed's bridge (the only address the hosts reach). A wrong sha256 stops `up` with a message
// naming the mismatch before etcd is installed or started; the right one converges.
// Run as root:
//   source toolchain/env.sh && TS_NODE_TRANSPILE_ONLY=true node --require ts-node/register --test test/e2e/tarballInstall.test.ts
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { Inventory, InventoryHost, downBed } from "../support/testbed";
import { bedKnownHosts, bootBed, failingUp, hostOk, secs } from "../support/e2e";
import { SandboxStack, StackConfig, bedNodes, sandboxStack, up } from "../support/sandboxStack";
import { EtcdClient, run, toolchainEtcdctl } from "../support/etcdClient";
import { FileServer, ReleaseTarball, buildReleaseTarball, serveFiles } from "../support/tarballServer";

const BED = "e2etar";
const STACK = "e2e-tarball-install";
const VERSION = "3.6.16";
const skip = process.getuid?.() === 0 ? false : "needs root (the test bed uses network namespaces, mounts, cgroups)";

describe("tarball install of a three-node systemd cluster", { skip, timeout: 45 * 60_000 }, () => {
  let inv: Inventory;
  let s: SandboxStack | undefined;
  let client: EtcdClient | undefined;
  let tarball: ReleaseTarball | undefined;
  let server: FileServer | undefined;
  let unregister: () => void = () => undefined;

  function config(sha256: string): StackConfig {
    return {
      layout: "systemd",
      sshUser: "root",
      etcdVersion: VERSION,
      installMethod: "tarball",
      tarballUrl: (server as FileServer).url((tarball as ReleaseTarball).name),
      tarballSha256: sha256,
      wipeDataOnDestroy: true,
      nodes: bedNodes(inv),
      knownHosts: bedKnownHosts(inv),
    };
  }

  const ok = (host: InventoryHost, command: string): Promise<string> => hostOk(BED, host, command);

  before(async () => {
    ({ inv, unregister } = await bootBed(BED, 3));
    tarball = buildReleaseTarball(path.dirname(toolchainEtcdctl()), VERSION);
    // On the bed's bridge address only: the hosts reach it, nothing else does.
    server = await serveFiles(inv.runnerAddress, { [tarball.name]: tarball.file });
    console.log(`# serving ${tarball.name} (sha256 ${tarball.sha256}) at ${server.url(tarball.name)}`);
    s = await sandboxStack(STACK, config(tarball.sha256), { sshKeyFile: inv.sshPrivateKeyPath });
  });

  after(async () => {
    client?.dispose();
    try {
      if (s !== undefined) await s.dispose();
    } finally {
      try {
        await server?.close();
        tarball?.dispose();
      } finally {
        await downBed(BED);
        unregister();
      }
    }
  });

  it("0. the tarball is laid out like upstream's release", { timeout: 60_000 }, async () => {
    const listing = await run("tar", ["-tzvf", (tarball as ReleaseTarball).file]);
    assert.equal(listing.code, 0, listing.stderr);
    const entries = listing.stdout
      .trim()
      .split("\n")
      .map((l) => l.split(/\s+/))
      .map((f) => [f[0], f[f.length - 1]]);
    const base = `etcd-v${VERSION}-linux-amd64`;
    assert.deepEqual(
      entries.map(([, n]) => n).sort(),
      [`${base}/`, `${base}/README.md`, `${base}/etcd`, `${base}/etcdctl`, `${base}/etcdutl`],
    );
    for (const [mode, name] of entries) if (/\/etcd(ctl|utl)?$/.test(name)) assert.equal(mode, "-rwxr-xr-x", name);
    // The server answers on the bridge address only.
    assert.match((server as FileServer).baseUrl, new RegExp(`^http://${inv.runnerAddress.replace(/\./g, "\\.")}:[0-9]+$`));
  });

  it("1. a wrong sha256 fails up with a message naming the mismatch, before etcd is installed or started", { timeout: 20 * 60_000 }, async (t) => {
    const stack = s as SandboxStack;
    const srv = server as FileServer;
    const tb = tarball as ReleaseTarball;
    const wrong = crypto.createHash("sha256").update("not the etcd release tarball").digest("hex");
    assert.notEqual(wrong, tb.sha256);
    stack.setConfig(config(wrong));
    const before = srv.requests.length;

    const t0 = Date.now();
    const upError = await failingUp(stack);
    t.diagnostic(`pulumi up (wrong sha256) failed after ${secs(Date.now() - t0)}`);
    assert.ok(upError !== undefined, "up succeeded with a wrong tarballSha256");
    const message = upError.message;
    const url = srv.url(tb.name);
    const mismatch = `sha256 mismatch for ${url}: expected ${wrong}, got ${tb.sha256}`;
    assert.ok(message.includes(mismatch), `the error does not name the mismatch (${mismatch}):\n${message.slice(-4000)}`);
    // The hosts did fetch the tarball (and refused it). Not necessarily all three: once the
    // first install fails, Pulumi starts no further steps, so a host still in preflight then
    // never gets to its install.
    const fetched = srv.requests.slice(before).filter((r) => r.method === "GET" && r.status === 200);
    const hostAddresses = inv.hosts.map((h) => h.address);
    assert.ok(fetched.length >= 1, `no host fetched the tarball: ${JSON.stringify(srv.requests)}`);
    assert.ok(fetched.every((r) => hostAddresses.includes(r.from)), JSON.stringify(fetched));
    assert.equal(new Set(fetched.map((r) => r.from)).size, fetched.length, `a host fetched twice: ${JSON.stringify(fetched)}`);
    t.diagnostic(`fetched and refused by ${fetched.map((r) => r.from).join(", ")}`);

    // Nothing of etcd on any host: not installed, no unit, no process, no listener, no config.
    await Promise.all(
      inv.hosts.map(async (h) => {
        const left = await ok(
          h,
          ["/usr/local/bin/etcd", "/usr/local/bin/etcdctl", "/usr/local/bin/.tmp.etcd", "/etc/systemd/system/etcd.service", "/etc/etcd"]
            .map((p) => `[ ! -e ${p} ] || echo "left: ${p}"`)
            .join("; ") + "; pgrep -a -x etcd | sed 's/^/process: /' || true; ss -Hltn 'sport = :2379 or sport = :2380' | sed 's/^/listener: /'",
        );
        assert.equal(left, "", `${h.name}: ${left}`);
        assert.equal(await ok(h, "systemctl is-active etcd.service || true"), "inactive");
      }),
    );
  });

  it("2. the right sha256 converges to a healthy three-member cluster", { timeout: 20 * 60_000 }, async (t) => {
    const stack = s as SandboxStack;
    const srv = server as FileServer;
    const tb = tarball as ReleaseTarball;
    stack.setConfig(config(tb.sha256));
    const before = srv.requests.length;
    const t0 = Date.now();
    const outputs = await up(stack);
    t.diagnostic(`pulumi up (right sha256) took ${secs(Date.now() - t0)}`);
    client = EtcdClient.fromOutputs(outputs);
    const c = client;
    const endpoints = inv.hosts.map((h) => `https://${h.address}:2379`);
    assert.deepEqual(outputs.clientEndpoints, endpoints);

    const fetched = srv.requests.slice(before).filter((r) => r.method === "GET" && r.status === 200);
    assert.deepEqual(fetched.map((r) => r.from).sort(), inv.hosts.map((h) => h.address).sort());

    const health = JSON.parse(await c.etcdctlOk(["endpoint", "health", "--cluster", "-w", "json"])) as { endpoint: string; health: boolean }[];
    assert.deepEqual(
      health.map((h) => [h.endpoint, h.health]).sort(),
      endpoints.map((e) => [e, true]),
      JSON.stringify(health),
    );
    const list = JSON.parse(await c.etcdctlOk(["member", "list", "-w", "json"])) as {
      members: { name: string; peerURLs: string[]; clientURLs: string[]; isLearner?: boolean }[];
    };
    // Three started members: a started member has a name and client URLs.
    assert.deepEqual(
      list.members.map((m) => [m.name, m.peerURLs, m.clientURLs, m.isLearner ?? false]).sort(),
      inv.hosts.map((h) => [h.name, [`https://${h.address}:2380`], [`https://${h.address}:2379`], false]),
    );
    const status = JSON.parse(await c.etcdctlOk(["endpoint", "status", "-w", "json"])) as { Endpoint: string; Status: { version: string } }[];
    assert.deepEqual(status.map((x) => [x.Endpoint, x.Status.version]).sort(), endpoints.map((e) => [e, VERSION]));

    // On the hosts: the tarball's etcd, etcdctl (and etcdutl, for snapshots) in /usr/local/bin, byte for byte, run by our unit.
    const local = fs.readFileSync(toolchainEtcdctl());
    const etcdctlSha = crypto.createHash("sha256").update(local).digest("hex");
    await Promise.all(
      inv.hosts.map(async (h) => {
        const out = (await ok(h, "sha256sum /usr/local/bin/etcdctl | cut -d' ' -f1; stat -c '%a %U:%G' /usr/local/bin/etcd; /usr/local/bin/etcd --version | head -n1; systemctl show etcd.service -p ExecStart --value | grep -o 'path=[^ ;]*'; ls /usr/local/bin")).split("\n");
        assert.deepEqual(out, [etcdctlSha, "755 root:root", `etcd Version: ${VERSION}`, "path=/usr/local/bin/etcd", "etcd", "etcdctl", "etcdutl"], `${h.name}: ${out.join(" | ")}`);
      }),
    );
  });
});
