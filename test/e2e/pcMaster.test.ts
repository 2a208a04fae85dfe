// The `pc-master` layout end to end (the pc-master guide done right), on one real systemd host running
// Debian's packaged etcd 3.4 (`installMethod: package`): the guide's 5 s heartbeat / 50 s election,
// clients on https://0.0.0.0:2379 with client-certificate auth only, and the take-over from
// Debian's own etcd.service, whose localhost cluster is moved aside, never deleted.
// Run as root:
//   source toolchain/env.sh && TS_NODE_TRANSPILE_ONLY=true node --require ts-node/register --test test/e2e/pcMaster.test.ts
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { Inventory, InventoryHost, downBed } from "../support/testbed";
import { bedKnownHosts, bootBed, hostOk, secs } from "../support/e2e";
import { SandboxStack, StackConfig, destroy, sandboxStack, up } from "../support/sandboxStack";
import { EtcdClient, run } from "../support/etcdClient";

const BED = "e2epcm";
const STACK = "e2e-pc-master";
const skip = process.getuid?.() === 0 ? false : "needs root (the test bed uses network namespaces, mounts, cgroups)";

const DATA = "/var/lib/etcd";
const PACKAGE_DATA = "/var/lib/etcd/default";
const ENV_FILE = "/etc/etcd/etcd.env";
const UNIT_FILE = "/etc/systemd/system/etcd.service";
// The guide's intended tuning for slow schedulers (its literal 50000/50000 is rejected by etcd).
const HEARTBEAT_MS = 5000;
const ELECTION_MS = 50000;

/** Like Pulumi.pc-master.yaml, pointed at the bed's host. */
function config(inv: Inventory, host: InventoryHost, overrides: StackConfig = {}): StackConfig {
  return {
    layout: "pc-master",
    sshUser: "root",
    // Debian 12's etcd-server, preinstalled (disabled) in the bed image.
    etcdVersion: "3.4.23",
    installMethod: "package",
    clientListenAll: true,
    heartbeatIntervalMs: HEARTBEAT_MS,
    electionTimeoutMs: ELECTION_MS,
    wipeDataOnDestroy: true,
    nodes: [{ name: "pc-master", address: host.address, hostname: "pc-master" }],
    knownHosts: bedKnownHosts(inv),
    ...overrides,
  };
}

describe("pc-master layout with Debian's etcd 3.4 package", { skip, timeout: 40 * 60_000 }, () => {
  let inv: Inventory;
  let host: InventoryHost;
  let s: SandboxStack | undefined;
  let client: EtcdClient | undefined;
  let outputs: Record<string, unknown> = {};
  /** The moved-aside package data dir that up reported. */
  let aside = "";
  let unregister: () => void = () => undefined;
  /** A value only the packaged localhost cluster holds, to find it again in the moved-aside data. */
  const packageMarker = `pkg-${process.pid}-${Date.now()}`;

  const ok = (command: string): Promise<string> => hostOk(BED, host, command);

  before(async () => {
    ({ inv, unregister } = await bootBed(BED, 1));
    host = inv.hosts[0];
    s = await sandboxStack(STACK, config(inv, host), { sshKeyFile: inv.sshPrivateKeyPath });
  });

  after(async () => {
    client?.dispose();
    try {
      if (s !== undefined) await s.dispose();
    } finally {
      await downBed(BED);
      unregister();
    }
  });

  it("0. Debian's own etcd.service runs its localhost cluster in /var/lib/etcd/default", { timeout: 5 * 60_000 }, async () => {
    // As after a real `apt install etcd-server`: the packaged unit started, bootstrapped a
    // one-member cluster on localhost and holds ports 2379/2380.
    await ok("systemctl start etcd.service && systemctl is-active etcd.service");
    await ok(`ETCDCTL_API=3 etcdctl --endpoints=http://127.0.0.1:2379 --dial-timeout=5s --command-timeout=10s put /pkg/marker ${packageMarker}`);
    const listed = await ok(`test -d ${PACKAGE_DATA}/member/wal && ls ${PACKAGE_DATA}/member; ss -Hltnp 'sport = :2379' | grep -c '"etcd"'`);
    assert.match(listed, /snap\nwal\n[1-9]/, listed);
  });

  it("1. up takes over: healthy, client certificates required, tuned timings, package data moved aside", { timeout: 20 * 60_000 }, async (t) => {
    const t0 = Date.now();
    outputs = await up(s as SandboxStack);
    t.diagnostic(`pulumi up (create) took ${secs(Date.now() - t0)}`);
    client = EtcdClient.fromOutputs(outputs);
    const c = client;
    const endpoint = `https://${host.address}:2379`;

    assert.equal(outputs.layout, "pc-master");
    assert.deepEqual(outputs.clientEndpoints, [endpoint]);
    assert.deepEqual(outputs.memberNames, ["pc-master"]);
    assert.match(String(outputs.clusterId), /^[0-9]+$/);

    // Healthy, through the toolchain's etcdctl 3.6 against the 3.4 server, with the admin cert.
    const health = JSON.parse(await c.etcdctlOk(["endpoint", "health", "-w", "json"])) as { endpoint: string; health: boolean }[];
    assert.deepEqual(health.map((h) => [h.endpoint, h.health]), [[endpoint, true]], JSON.stringify(health));
    const status = JSON.parse(await c.etcdctlOk(["endpoint", "status", "-w", "json"])) as { Endpoint: string; Status: { version: string } }[];
    assert.equal(status.length, 1);
    assert.match(status[0].Status.version, /^3\.4\./, JSON.stringify(status));
    const list = JSON.parse(await c.etcdctlOk(["member", "list", "-w", "json"])) as { members: { name: string; peerURLs: string[]; clientURLs: string[] }[] };
    assert.deepEqual(
      list.members.map((m) => [m.name, m.peerURLs, m.clientURLs]),
      [["pc-master", [`https://${host.address}:2380`], [endpoint]]],
    );
    // The admin certificate reads and writes; this is a new cluster, not the package's one.
    await c.etcdctlOk(["put", "/e2e/pc-master", "ok"]);
    assert.equal((await c.etcdctlOk(["get", "/e2e/pc-master", "--print-value-only"])).trim(), "ok");
    assert.equal((await c.etcdctlOk(["get", "/pkg/marker", "--print-value-only"])).trim(), "");

    // TLS without a client certificate: refused on the client port (client-cert-auth).
    const anonymous = await c.etcdctl(["endpoint", "health"], { tlsArgs: [`--cacert=${c.caFile}`], timeoutMs: 60_000 });
    assert.notEqual(anonymous.code, 0, `etcdctl without a client certificate succeeded: ${anonymous.stdout}`);
    assert.doesNotMatch(anonymous.stdout, /is healthy/);
    const anonymousGet = await c.etcdctl(["get", "/e2e/pc-master"], { tlsArgs: [`--cacert=${c.caFile}`], timeoutMs: 60_000 });
    assert.notEqual(anonymousGet.code, 0, `a read without a client certificate succeeded: ${anonymousGet.stdout}`);
    assert.doesNotMatch(anonymousGet.stdout, /ok/);
    const curlAnon = await run("curl", ["-sS", "--max-time", "10", "--cacert", c.caFile, `${endpoint}/health`]);
    assert.notEqual(curlAnon.code, 0, `curl without a client certificate got an answer: ${curlAnon.stdout}`);
    const curlAdmin = await run("curl", ["-sS", "--fail", "--max-time", "10", "--cacert", c.caFile, "--cert", c.certFile, "--key", c.keyFile, `${endpoint}/health`]);
    assert.equal(curlAdmin.code, 0, curlAdmin.stderr);
    assert.match(curlAdmin.stdout, /"health":"true"/);
    // No plaintext on the client port.
    const plain = await run("curl", ["-sS", "--max-time", "10", `http://${host.address}:2379/health`]);
    assert.doesNotMatch(plain.stdout, /"health"/);

    // On the host: our unit runs Debian's /usr/bin/etcd as user etcd, from the env file, with
    // the tuned timings in effect (in the rendered file, the process environment and etcd's log).
    const p = Object.fromEntries(
      (await ok("systemctl show etcd.service -p FragmentPath -p MainPID -p User -p ActiveState -p UnitFileState"))
        .split("\n")
        .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
    );
    assert.deepEqual([p.FragmentPath, p.User, p.ActiveState, p.UnitFileState], [UNIT_FILE, "etcd", "active", "enabled"], JSON.stringify(p));
    assert.match(p.MainPID, /^[1-9][0-9]*$/);
    const proc = (await ok(`ps -o user= -p ${p.MainPID}; readlink /proc/${p.MainPID}/exe; pgrep -x etcd`)).split("\n").map((l) => l.trim());
    assert.deepEqual(proc, ["etcd", "/usr/bin/etcd", p.MainPID], "one etcd, ours, as user etcd");
    assert.equal(
      await ok(`grep -E '^ETCD_(HEARTBEAT_INTERVAL|ELECTION_TIMEOUT|CLIENT_CERT_AUTH|LISTEN_CLIENT_URLS)=' ${ENV_FILE} | sort`),
      [`ETCD_CLIENT_CERT_AUTH=true`, `ETCD_ELECTION_TIMEOUT=${ELECTION_MS}`, `ETCD_HEARTBEAT_INTERVAL=${HEARTBEAT_MS}`, "ETCD_LISTEN_CLIENT_URLS=https://0.0.0.0:2379"].join("\n"),
    );
    const environ = (await ok(`tr '\\0' '\\n' < /proc/${p.MainPID}/environ | grep -E '^ETCD_(HEARTBEAT_INTERVAL|ELECTION_TIMEOUT)=' | sort`)).split("\n");
    assert.deepEqual(environ, [`ETCD_ELECTION_TIMEOUT=${ELECTION_MS}`, `ETCD_HEARTBEAT_INTERVAL=${HEARTBEAT_MS}`]);
    // etcd 3.4 logs the values it runs with when the server starts.
    const journal = await ok(`journalctl -u etcd.service _PID=${p.MainPID} --no-pager -o cat | grep -m1 -E 'heartbeat-interval' || true`);
    assert.match(journal, /"heartbeat-interval":"5s"/, journal);
    assert.match(journal, /"election-timeout":"50s"/, journal);
    // Listening on the wildcard address (Go's 0.0.0.0 listener shows as `*` in ss).
    assert.match(await ok("ss -Hltn 'sport = :2379'"), /\s(\*|0\.0\.0\.0):2379\s/);

    // The package's localhost cluster: moved aside next to our data dir, with its data, not deleted.
    const asides = (await ok(`ls -d ${DATA}.package-default.* 2>/dev/null || true`)).split("\n").filter(Boolean);
    assert.equal(asides.length, 1, `expected one moved-aside package data dir, found: ${JSON.stringify(asides)}`);
    aside = asides[0];
    assert.match(aside, /^\/var\/lib\/etcd\.package-default\.[0-9]{8}T[0-9]{6}Z$/);
    assert.equal(await ok(`[ ! -e ${PACKAGE_DATA} ] && echo gone`), "gone");
    assert.equal(await ok(`ls ${aside}; ls ${aside}/member`), "member\nsnap\nwal");
    // The key written into the package's cluster is still in its WAL.
    assert.equal(await ok(`grep -a -l -F ${packageMarker} ${aside}/member/wal/*.wal | wc -l`), "1");
    // Our data dir is ours: marked with this cluster's token, 0700 etcd:etcd.
    assert.equal(await ok(`stat -c '%a %U:%G' ${DATA} ${DATA}/member`), "700 etcd:etcd\n700 etcd:etcd");
    assert.match(await ok(`cat ${DATA}/.etcdhosts-cluster-token`), /^etcd-[0-9a-f]{32}$/);
  });

  it("2. destroy removes what it wrote and keeps the package's moved-aside data", { timeout: 10 * 60_000 }, async (t) => {
    assert.notEqual(aside, "", "test 1 did not find the moved-aside data");
    const t0 = Date.now();
    await destroy(s as SandboxStack);
    t.diagnostic(`pulumi destroy took ${secs(Date.now() - t0)}`);
    const left = await ok(
      [UNIT_FILE, "/etc/etcd", DATA].map((p) => `[ ! -e ${p} ] || echo "left: ${p}"`).join("; ") + "; pgrep -a -x etcd | sed 's/^/process: /' || true",
    );
    assert.equal(left, "");
    // wipeDataOnDestroy removes our data dir only; the package's cluster stays where up put it.
    assert.equal(await ok(`grep -a -l -F ${packageMarker} ${aside}/member/wal/*.wal | wc -l`), "1");
  });
});
