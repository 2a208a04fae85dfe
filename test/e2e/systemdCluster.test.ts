// The three-node `systemd` layout end to end, on a bed of real systemd hosts, with the real
// `pulumi` CLI through the Automation API: bootstrap and hardening, a no-op second run, a rolling
// timing change under client load, no secrets in state or output, destroy and recreate.
// Run as root:
//   source toolchain/env.sh && TS_NODE_TRANSPILE_ONLY=true node --require ts-node/register --test test/e2e/systemdCluster.test.ts
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Inventory, InventoryHost, downBed } from "../support/testbed";
import { bedKnownHosts, bootBed, hostOk, secs, systemdConfig } from "../support/e2e";
import { SandboxStack, StackConfig, bedNodes, destroy, preview, sandboxStack, stateFile, up } from "../support/sandboxStack";
import { EtcdClient, run } from "../support/etcdClient";

// Our own bed: `default` is the dev stack's, other beds are other test files'.
const BED = "e2esys";
const STACK = "e2e-systemd-cluster";
const SANDBOX_PASSPHRASE = "etcdhosts-sandbox-only";
const skip = process.getuid?.() === 0 ? false : "needs root (the test bed uses network namespaces, mounts, cgroups)";

const UNIT_FILE = "/etc/systemd/system/etcd.service";
const CONFIG_FILE = "/etc/etcd/etcd.conf.yml";
const PKI = "/etc/etcd/pki";
const DATA = "/var/lib/etcd";

function config(inv: Inventory, overrides: StackConfig = {}): StackConfig {
  return systemdConfig(bedNodes(inv), { heartbeatIntervalMs: 100, electionTimeoutMs: 1000, knownHosts: bedKnownHosts(inv), ...overrides });
}

const ok = (host: InventoryHost, command: string): Promise<string> => hostOk(BED, host, command);

/** Runs a check on every host at once (SSH round trips are slow on a loaded runner). */
async function eachHost<T>(inv: Inventory, check: (h: InventoryHost) => Promise<T>): Promise<T[]> {
  return Promise.all(inv.hosts.map(check));
}

/** `systemctl show` of etcd.service, as a record. */
async function unitProps(host: InventoryHost, props: string[]): Promise<Record<string, string>> {
  const out = await ok(host, `systemctl show etcd.service ${props.map((p) => `-p ${p}`).join(" ")}`);
  return Object.fromEntries(out.split("\n").map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
}

interface JournalEntry {
  MESSAGE?: string;
  MESSAGE_ID?: string;
  JOB_TYPE?: string;
  __REALTIME_TIMESTAMP: string;
}

// systemd's catalog ids of "Stopping <unit>..." and "Started <unit>." (systemd/catalog/systemd.catalog.in).
const MESSAGE_ID_UNIT_STOPPING = "de5b426a63be47a7b6ac3eaac82e2f6f";
const MESSAGE_ID_UNIT_STARTED = "39f53479d3a045ac8e11786248231fbf";

/** systemd's own journal entries about etcd.service since `sinceUs` (µs since the epoch). */
async function unitJournal(host: InventoryHost, sinceUs: number): Promise<JournalEntry[]> {
  const out = await ok(host, `journalctl -u etcd.service _PID=1 -o json --no-pager --since @${Math.floor(sinceUs / 1e6)}`);
  return out
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as JournalEntry)
    .filter((e) => Number(e.__REALTIME_TIMESTAMP) >= sinceUs);
}

/** The base64 body of a PEM block (no armour lines, no line breaks). */
function pemBody(pem: string): string {
  return pem
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("-----"))
    .join("");
}

/** Where in `haystack` (name) a needle shows up; empty when nowhere. */
function leaks(haystacks: Record<string, string>, needles: Record<string, string[]>): string[] {
  const found: string[] = [];
  for (const [where, text] of Object.entries(haystacks)) {
    // Without line breaks, whether real or escaped once or more (a secret's plaintext is a JSON
    // string inside JSON in an export, so its newlines arrive as \\n).
    const flat = text.replace(/\\+n|\s/g, "");
    for (const [what, list] of Object.entries(needles)) {
      for (const n of list) {
        if (n.length < 16) assert.fail(`needle ${what} is too short to be a meaningful check`);
        if (text.includes(n) || flat.includes(n.replace(/\s/g, ""))) found.push(`${what} in ${where}`);
      }
    }
  }
  return [...new Set(found)];
}

describe("three-node systemd layout", { skip, timeout: 60 * 60_000 }, () => {
  let inv: Inventory;
  let s: SandboxStack | undefined;
  let client: EtcdClient | undefined;
  let outputs: Record<string, unknown> = {};
  /** Every admin key the stack handed out (one per cluster generation). */
  const adminKeys: string[] = [];
  let unregister: () => void = () => undefined;
  let tmp: string | undefined;

  before(async () => {
    ({ inv, unregister } = await bootBed(BED, 3));
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "etcdhosts-e2esys-"));
    s = await sandboxStack(STACK, config(inv), { sshKeyFile: inv.sshPrivateKeyPath });
  });

  after(async () => {
    client?.dispose();
    try {
      // Destroy (also after a failure), then the stack and its work dir go.
      if (s !== undefined) await s.dispose();
    } finally {
      await downBed(BED);
      unregister();
      if (tmp !== undefined) fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  /** A fresh `up`, recording its outputs, admin key and client. */
  async function upAndConnect(): Promise<Record<string, unknown>> {
    outputs = await up(s as SandboxStack);
    adminKeys.push(String(outputs.adminKeyPem));
    client?.dispose();
    client = EtcdClient.fromOutputs(outputs);
    return outputs;
  }

  it("1. three-node systemd: healthy, mutual TLS only, hardened", { timeout: 20 * 60_000 }, async (t) => {
    const t0 = Date.now();
    await upAndConnect();
    t.diagnostic(`pulumi up (create) took ${secs(Date.now() - t0)}`);
    const c = client as EtcdClient;
    const endpoints = inv.hosts.map((h) => `https://${h.address}:2379`);

    assert.equal(outputs.layout, "systemd");
    assert.deepEqual(outputs.clientEndpoints, endpoints);
    assert.deepEqual(outputs.memberNames, ["h1", "h2", "h3"]);
    assert.match(String(outputs.clusterId), /^[0-9]+$/);

    // Healthy on all three, found through the member list (--cluster).
    const health = JSON.parse(await c.etcdctlOk(["endpoint", "health", "--cluster", "-w", "json"])) as { endpoint: string; health: boolean; error?: string }[];
    assert.deepEqual(
      health.map((h) => [h.endpoint, h.health]).sort(),
      endpoints.map((e) => [e, true]),
      JSON.stringify(health),
    );
    // Three started members (an unstarted one has no name and no client URLs).
    const list = JSON.parse(await c.etcdctlOk(["member", "list", "-w", "json"])) as {
      header: { cluster_id: number | string };
      members: { name: string; peerURLs: string[]; clientURLs: string[]; isLearner?: boolean }[];
    };
    assert.deepEqual(
      list.members.map((m) => [m.name, m.peerURLs, m.clientURLs, m.isLearner ?? false]).sort(),
      inv.hosts.map((h) => [h.name, [`https://${h.address}:2380`], [`https://${h.address}:2379`], false]),
    );
    // The server is the toolchain's 3.6.16 on every member.
    const status = JSON.parse(await c.etcdctlOk(["endpoint", "status", "-w", "json"])) as { Endpoint: string; Status: { version: string } }[];
    assert.deepEqual(
      status.map((x) => [x.Endpoint, x.Status.version]).sort(),
      endpoints.map((e) => [e, "3.6.16"]),
    );

    // No plaintext on the client or the peer port.
    for (const h of inv.hosts) {
      for (const port of [2379, 2380]) {
        const r = await run("curl", ["-sS", "--fail", "--max-time", "5", `http://${h.address}:${port}/health`]);
        assert.notEqual(r.code, 0, `plaintext http://${h.address}:${port}/health answered: ${r.stdout}`);
        assert.doesNotMatch(r.stdout, /"health"/);
      }
    }
    const plain = await c.etcdctl(["endpoint", "health"], { endpoints: inv.hosts.map((h) => `http://${h.address}:2379`), tlsArgs: [], timeoutMs: 60_000 });
    assert.notEqual(plain.code, 0, `etcdctl over plaintext succeeded: ${plain.stdout}`);
    assert.doesNotMatch(plain.stdout, /is healthy/);
    // TLS, but no client certificate: refused (client-cert-auth).
    const anonymous = await c.etcdctl(["endpoint", "health"], { tlsArgs: [`--cacert=${c.caFile}`], timeoutMs: 60_000 });
    assert.notEqual(anonymous.code, 0, `etcdctl without a client certificate succeeded: ${anonymous.stdout}`);
    assert.doesNotMatch(anonymous.stdout, /is healthy/);

    // A client certificate from another CA: refused.
    const dir = tmp as string;
    const openssl = async (...args: string[]) => {
      const r = await run("openssl", args, { timeoutMs: 30_000 });
      assert.equal(r.code, 0, `openssl ${args.join(" ")}\n${r.stderr}`);
    };
    const f = (n: string) => path.join(dir, n);
    await openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", f("rogue-ca.key"), "-out", f("rogue-ca.crt"), "-days", "1", "-subj", "/CN=rogue-ca");
    await openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", f("rogue.key"), "-out", f("rogue.csr"), "-subj", "/CN=root");
    fs.writeFileSync(f("rogue.ext"), "extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature\n");
    await openssl("x509", "-req", "-in", f("rogue.csr"), "-CA", f("rogue-ca.crt"), "-CAkey", f("rogue-ca.key"), "-CAcreateserial", "-days", "1", "-extfile", f("rogue.ext"), "-out", f("rogue.crt"));
    const rogue = await c.etcdctl(["put", "/e2e/rogue", "x"], { tlsArgs: [`--cacert=${c.caFile}`, `--cert=${f("rogue.crt")}`, `--key=${f("rogue.key")}`], timeoutMs: 60_000 });
    assert.notEqual(rogue.code, 0, `a certificate of another CA was accepted: ${rogue.stdout}`);
    assert.equal((await c.etcdctlOk(["get", "/e2e/rogue", "--print-value-only"])).trim(), "");
    // ...and the same command with the cluster's admin certificate works (the refusal is the certificate's).
    await c.etcdctlOk(["put", "/e2e/admin", "x"]);

    await eachHost(inv, async (h) => {
      // Keys 0600: the member's own ones owned by etcd, the client ones (root's tools) by root;
      // each name a link into the one current generation, which switches as a set.
      const keys = (await ok(h, `stat -L -c '%n %a %U:%G' ${PKI}/*.key`)).split("\n").sort();
      assert.deepEqual(keys, [
        `${PKI}/admin-client.key 600 root:root`,
        `${PKI}/healthcheck-client.key 600 root:root`,
        `${PKI}/peer.key 600 etcd:etcd`,
        `${PKI}/server.key 600 etcd:etcd`,
      ]);
      assert.equal(await ok(h, `readlink ${PKI}/server.key; ls -a ${PKI} | grep -c '^\\.\\.gen\\.'`), "..data/server.key\n1");
      // The PKI dir is root's (etcd's group reads it): the account etcd runs as can plant nothing where root writes.
      assert.equal(await ok(h, `stat -c '%a %U:%G' ${PKI} ${DATA} ${DATA}/member`), "750 root:etcd\n700 etcd:etcd\n700 etcd:etcd");
      // The unit: ours, enabled, active, running etcd 3.6.16 as user etcd.
      assert.equal(await ok(h, "systemctl is-enabled etcd.service; systemctl is-active etcd.service"), "enabled\nactive");
      const p = await unitProps(h, ["FragmentPath", "MainPID", "User"]);
      assert.equal(p.FragmentPath, UNIT_FILE);
      assert.equal(p.User, "etcd");
      assert.match(p.MainPID, /^[1-9][0-9]*$/);
      const proc = (await ok(h, `ps -o user= -p ${p.MainPID}; ps -o comm= -p ${p.MainPID}; readlink /proc/${p.MainPID}/exe`)).split("\n").map((l) => l.trim());
      assert.deepEqual(proc, ["etcd", "etcd", "/usr/local/bin/etcd"]);
      // Every etcd process on the host is that one: nothing runs as root.
      assert.equal(await ok(h, "pgrep -x etcd"), p.MainPID);
      // A login shell on the member gets an etcdctl 3.6 that talks TLS to the whole cluster.
      const profile = await ok(h, "bash -lc 'command -v etcdctl; etcdctl endpoint health 2>&1'");
      const [which, ...lines] = profile.split("\n");
      assert.equal(which, "/usr/local/bin/etcdctl");
      assert.deepEqual(
        lines.map((l) => l.replace(/: successfully committed proposal: took = .*$/, "")).sort(),
        endpoints.map((e) => `${e} is healthy`),
        profile,
      );
    });
  });

  it("2. idempotence: a second up changes nothing, preview --expect-no-changes passes", { timeout: 20 * 60_000 }, async (t) => {
    const stack = s as SandboxStack;
    const t0 = Date.now();
    const before = outputs.clusterId;
    const result = await stack.stack.up({ onOutput: (o) => stack.transcript.push(o), color: "never" });
    stack.transcript.push(JSON.stringify(result.summary));
    t.diagnostic(`second pulumi up took ${secs(Date.now() - t0)}`);
    const changes = result.summary.resourceChanges ?? {};
    // "read": the stack reading its own previous membership record, not a change.
    assert.deepEqual(Object.keys(changes).filter((op) => op !== "read"), ["same"], JSON.stringify(changes));
    assert.ok((changes.read ?? 0) <= 1, JSON.stringify(changes));
    assert.ok((changes.same ?? 0) > 50, `only ${changes.same} resources`);
    assert.equal(result.outputs.clusterId.value, before);

    const t1 = Date.now();
    const p = await preview(stack, { expectNoChanges: true });
    t.diagnostic(`preview --expect-no-changes took ${secs(Date.now() - t1)}`);
    assert.deepEqual(Object.keys(p.changeSummary).filter((op) => op !== "read"), ["same"], JSON.stringify(p.changeSummary));
  });

  it("3. rolling change under load: heartbeat 100→150, election 1000→1500, one member at a time, no failed write", { timeout: 30 * 60_000 }, async (t) => {
    const stack = s as SandboxStack;
    const c = client as EtcdClient;
    const props = ["MainPID", "ExecMainStartTimestampMonotonic", "ActiveEnterTimestampMonotonic", "ActiveExitTimestampMonotonic"];
    const beforeProps = await eachHost(inv, (h) => unitProps(h, props));
    const sinceUs = Date.now() * 1000;

    // A client writes a key every 20 ms while the change rolls out, bounded in count and time:
    // at most 15000 writes (5 minutes at 20 ms), and it stops as soon as `up` is done.
    const PREFIX = "/e2e/roll/";
    const loop = c.startWriteLoop({ prefix: PREFIX, intervalMs: 20, maxWrites: 15_000, maxDurationMs: 5 * 60_000, attempts: 5, attemptTimeoutMs: 3000 });
    // Let the writer warm up against the old configuration first.
    await new Promise((r) => setTimeout(r, 1000));
    stack.setConfig(config(inv, { heartbeatIntervalMs: 150, electionTimeoutMs: 1500 }));
    const t0 = Date.now();
    let upError: unknown;
    try {
      await up(stack);
    } catch (e) {
      upError = e;
    }
    const result = await loop.stop();
    t.diagnostic(`pulumi up (rolling change) took ${secs(Date.now() - t0)}`);
    t.diagnostic(`writes: ${result.writes} in ${secs(result.durationMs)}, acknowledged ${result.acknowledged.size}, retried ${result.retried.length}, failed ${result.failed.length}`);
    for (const r of result.retried.slice(0, 5)) t.diagnostic(`retried ${r.key}: ${r.errors.join(" | ")}`);
    if (upError !== undefined) throw upError;
    assert.equal(result.stoppedBy, "stop", "the write loop hit its bound before the change was done");

    // Zero failed writes: a write counts as failed only when all its attempts failed (a timeout
    // or error during a member's restart or a leader change is retried on the next member, at
    // most 5 attempts in all, with the same value).
    assert.deepEqual(result.failed, []);
    assert.equal(result.acknowledged.size, result.writes);
    assert.ok(result.writes > 100, `only ${result.writes} writes during the change`);
    // Every acknowledged write is readable afterwards, with its value.
    const stored = await c.getPrefix(PREFIX);
    const missing = [...result.acknowledged].filter(([k, v]) => stored.get(k) !== v).map(([k]) => k);
    assert.deepEqual(missing.slice(0, 20), [], `${missing.length} acknowledged writes not readable`);

    // Every member restarted exactly once (new process, new activation), one after the other.
    const afterProps = await eachHost(inv, (h) => unitProps(h, props));
    const windows = inv.hosts.map((h, i) => {
      const b = beforeProps[i];
      const a = afterProps[i];
      assert.notEqual(a.MainPID, b.MainPID, `${h.name}: same etcd process as before the change`);
      assert.ok(Number(a.ExecMainStartTimestampMonotonic) > Number(b.ExecMainStartTimestampMonotonic), `${h.name}: etcd process not restarted`);
      assert.ok(Number(a.ActiveEnterTimestampMonotonic) > Number(b.ActiveEnterTimestampMonotonic), `${h.name}: unit not re-activated`);
      // Down from leaving `active` (the stop began) to `active` again (etcd notified ready).
      const stop = Number(a.ActiveExitTimestampMonotonic);
      const ready = Number(a.ActiveEnterTimestampMonotonic);
      assert.ok(stop > Number(b.ActiveEnterTimestampMonotonic) && stop < ready, `${h.name}: ${JSON.stringify(a)}`);
      return { host: h.name, stop, ready };
    });
    // The hosts share the runner's kernel, hence one monotonic clock: windows are comparable.
    for (const w of windows) t.diagnostic(`${w.host} down from ${(w.stop / 1e6).toFixed(3)} to ${(w.ready / 1e6).toFixed(3)} (${secs((w.ready - w.stop) / 1000)}, monotonic)`);
    const ordered = [...windows].sort((x, y) => x.stop - y.stop);
    for (let i = 1; i < ordered.length; i++) {
      assert.ok(ordered[i - 1].ready < ordered[i].stop, `restarts overlap: ${JSON.stringify(ordered[i - 1])} and ${JSON.stringify(ordered[i])}`);
    }
    // In member order, as the roll chain says.
    assert.deepEqual(ordered.map((w) => w.host), ["h1", "h2", "h3"]);
    // The journal agrees: since the change, one stop and one start per member, and no other.
    const journals = await eachHost(inv, (h) => unitJournal(h, sinceUs));
    journals.forEach((entries, i) => {
      const stops = entries.filter((e) => e.MESSAGE_ID === MESSAGE_ID_UNIT_STOPPING);
      const starts = entries.filter((e) => e.MESSAGE_ID === MESSAGE_ID_UNIT_STARTED);
      assert.equal(stops.length, 1, `${inv.hosts[i].name}: ${entries.map((e) => e.MESSAGE).join(" | ")}`);
      assert.equal(starts.length, 1, `${inv.hosts[i].name}: ${entries.map((e) => e.MESSAGE).join(" | ")}`);
    });
    const jwin = journals.map((entries, i) => ({
      host: inv.hosts[i].name,
      stop: Number(entries.find((e) => e.MESSAGE_ID === MESSAGE_ID_UNIT_STOPPING)?.__REALTIME_TIMESTAMP),
      ready: Number(entries.find((e) => e.MESSAGE_ID === MESSAGE_ID_UNIT_STARTED)?.__REALTIME_TIMESTAMP),
    }));
    jwin.sort((x, y) => x.stop - y.stop);
    for (let i = 1; i < jwin.length; i++) assert.ok(jwin[i - 1].ready < jwin[i].stop, `journal windows overlap: ${JSON.stringify(jwin)}`);

    // The new configuration is what the members run with.
    await eachHost(inv, async (h) => {
      const conf = await ok(h, `grep -E '^(heartbeat-interval|election-timeout|initial-cluster-state):' ${CONFIG_FILE} | sort`);
      assert.equal(conf, "election-timeout: 1500\nheartbeat-interval: 150\ninitial-cluster-state: existing");
    });
    const health = JSON.parse(await c.etcdctlOk(["endpoint", "health", "--cluster", "-w", "json"])) as { health: boolean }[];
    assert.deepEqual(health.map((h) => h.health), [true, true, true]);
  });

  it("4. secrets: no private key material or passphrase in state or CLI output", { timeout: 5 * 60_000 }, async () => {
    const stack = s as SandboxStack;
    const sshKey = fs.readFileSync(inv.sshPrivateKeyPath, "utf8");
    const all = await stack.stack.outputs();
    const secretOutputs = Object.entries(all).filter(([, v]) => v.secret);
    assert.deepEqual(secretOutputs.map(([k]) => k).sort(), ["adminKeyPem", "apiserverEtcdClientKeyPem"]);
    const needles: Record<string, string[]> = {
      // The armour of every kind of private key PEM (PKCS#8, SEC1, PKCS#1, OpenSSH).
      "PRIVATE KEY armour": ["BEGIN PRIVATE KEY", "BEGIN EC PRIVATE KEY", "BEGIN RSA PRIVATE KEY", "BEGIN OPENSSH PRIVATE KEY"],
      "sandbox SSH key": [pemBody(sshKey), ...pemBody(sshKey).match(/.{1,64}/g)!.filter((l) => l.length >= 32)],
      "admin key": adminKeys.map(pemBody),
      "apiserver client key": [pemBody(String(all.apiserverEtcdClientKeyPem.value))],
      passphrase: [SANDBOX_PASSPHRASE],
    };
    // The Automation API exports with --show-secrets: the decrypted view must hold the key,
    // which also shows that leaks() finds what it looks for (a positive control).
    const shown = JSON.stringify(await stack.stack.exportStack());
    assert.deepEqual(leaks({ "export --show-secrets": shown }, { "admin key": [pemBody(adminKeys[adminKeys.length - 1])] }), ["admin key in export --show-secrets"]);
    const file = stateFile(stack);
    assert.ok(fs.existsSync(file), `no state file at ${file}`);
    const haystacks: Record<string, string> = {
      [file]: fs.readFileSync(file, "utf8"),
      "CLI output of every run": stack.transcript.join("\n"),
    };
    if (fs.existsSync(`${file}.bak`)) haystacks[`${file}.bak`] = fs.readFileSync(`${file}.bak`, "utf8");
    assert.ok(stack.transcript.length > 0);
    assert.deepEqual(leaks(haystacks, needles), []);
    // The secrets are there, encrypted: the stack outputs carry ciphertext.
    const state = JSON.parse(haystacks[file]) as { checkpoint: { latest: { resources: { type: string; outputs?: Record<string, unknown> }[] } } };
    const root = state.checkpoint.latest.resources.find((r) => r.type === "pulumi:pulumi:Stack");
    const adminKeyInState = root?.outputs?.adminKeyPem as Record<string, unknown> | undefined;
    assert.equal(adminKeyInState?.["4dabf18193072939515e22adb298388d"], "1b47061264138c4ac30d75fd1eb44270");
    assert.equal(typeof adminKeyInState?.ciphertext, "string");
  });

  it("5. destroy leaves nothing on the hosts; up again gives a new cluster", { timeout: 30 * 60_000 }, async (t) => {
    const stack = s as SandboxStack;
    const firstClusterId = String(outputs.clusterId);
    const t0 = Date.now();
    const d = await destroy(stack);
    t.diagnostic(`pulumi destroy took ${secs(Date.now() - t0)}`);
    assert.ok((d.summary.resourceChanges?.delete ?? 0) > 50, JSON.stringify(d.summary.resourceChanges));

    await eachHost(inv, async (h) => {
      const gone = await ok(
        h,
        [UNIT_FILE, "/etc/etcd", DATA, "/etc/profile.d/etcdctl.sh", "/usr/local/bin/etcd", "/usr/local/bin/etcdctl"]
          .map((p) => `[ ! -e ${p} ] || echo "left: ${p}"`)
          .join("; ") + "; pgrep -a -x etcd | sed 's/^/process: /' || true; systemctl is-enabled etcd.service 2>&1 || true",
      );
      // Debian's own unit (shipped disabled in the image) is what systemd sees again.
      assert.equal(gone, "disabled", `${h.name}: ${gone}`);
    });

    stack.setConfig(config(inv, { heartbeatIntervalMs: 150, electionTimeoutMs: 1500 }));
    const t1 = Date.now();
    await upAndConnect();
    t.diagnostic(`pulumi up (recreate) took ${secs(Date.now() - t1)}`);
    assert.match(String(outputs.clusterId), /^[0-9]+$/);
    assert.notEqual(String(outputs.clusterId), firstClusterId);
    const c = client as EtcdClient;
    const health = JSON.parse(await c.etcdctlOk(["endpoint", "health", "--cluster", "-w", "json"])) as { health: boolean }[];
    assert.deepEqual(health.map((h) => h.health), [true, true, true]);
    const list = JSON.parse(await c.etcdctlOk(["member", "list", "-w", "json"])) as { header: { cluster_id: number }; members: { name: string }[] };
    assert.deepEqual(list.members.map((m) => m.name).sort(), ["h1", "h2", "h3"]);
    // A new cluster, not the old data: the keys of the first generation are gone.
    assert.deepEqual([...(await c.getPrefix("/e2e/")).keys()], []);
  });
});
