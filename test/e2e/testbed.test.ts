// The test bed itself: are its hosts real enough (systemd, sshd, sudo, Debian's etcd), isolated
// (no way out, no DNS), controllable (partition, crash, restart) and gone without a trace after
// `down`, also when a crashed run left a bed behind?
// Run as root: TS_NODE_TRANSPILE_ONLY=true node --require ts-node/register --test test/e2e/testbed.test.ts
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  Inventory,
  InventoryHost,
  bedStatus,
  cutHost,
  downBed,
  execHost,
  healHost,
  killHost,
  registerBedTeardown,
  restartHost,
  sshHost,
  startHost,
  upBed,
} from "../support/testbed";

// Not the default bed: that one is the `dev` stack's, and a test must not take it away.
const BED = process.env.TB_E2E_BED ?? "tbself";
// Units allowed to have failed on a freshly booted host. None so far: keep it that way.
const KNOWN_FAILED_UNITS: string[] = [];
const skip = process.getuid?.() === 0 ? false : "needs root (network namespaces, mounts, cgroups)";

function sh(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: "utf8" });
}

async function ok(host: string, command: string, opts: { user?: string } = {}): Promise<string> {
  const r = await sshHost(host, command, { bed: BED, ...opts });
  assert.equal(r.code, 0, `${opts.user ?? "root"}@${host}: ${command}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r.stdout.trim();
}

/** Can `from` open a TCP connection to `to`:22 and read sshd's banner? */
async function reaches(from: string, to: string): Promise<boolean> {
  const r = await sshHost(from, `timeout 2 bash -c 'exec 3<>/dev/tcp/${to}/22; head -c 8 <&3'`, { bed: BED });
  return r.code === 0 && r.stdout.startsWith("SSH-2.0");
}

async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Runs a check on every host at once (SSH round trips are slow on a loaded runner). */
async function eachHost(inv: Inventory, check: (h: InventoryHost) => Promise<void>): Promise<void> {
  await Promise.all(inv.hosts.map(check));
}

/** Everything `down` must remove, as seen on the runner. */
function leftovers(bed: string, stateDir: string): string[] {
  const found: string[] = [];
  const netns = sh("ip", ["netns", "list"]).split("\n").filter((l) => l.startsWith(`tb-${bed}-`));
  if (netns.length) found.push(`netns: ${netns.join(", ")}`);
  const links = sh("ip", ["-o", "link", "show"])
    .split("\n")
    .map((l) => l.split(": ")[1]?.split("@")[0] ?? "")
    .filter((n) => n === `tb-${bed}` || n.startsWith(`tb-${bed}-`));
  if (links.length) found.push(`links: ${links.join(", ")}`);
  const nspawns = nspawnPids(bed);
  if (nspawns.length) found.push(`nspawn processes: ${nspawns.join(", ")}`);
  const mounts = fs
    .readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .filter((l) => l.includes(stateDir + "/"));
  if (mounts.length) found.push(`mounts: ${mounts.join("; ")}`);
  for (const root of ["/sys/fs/cgroup/systemd", "/sys/fs/cgroup/unified", "/sys/fs/cgroup"]) {
    if (fs.existsSync(`${root}/etcdhosts-testbed/${bed}`)) found.push(`cgroup ${root}/etcdhosts-testbed/${bed}`);
  }
  if (fs.existsSync(path.join(stateDir, "hosts"))) found.push(`upper dirs in ${stateDir}/hosts`);
  return found;
}

function nspawnPids(bed: string): number[] {
  return fs
    .readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        const argv = fs.readFileSync(`/proc/${p}/cmdline`, "utf8").split("\0");
        return path.basename(argv[0]) === "systemd-nspawn" && argv.some((a) => a.startsWith(`--machine=${bed}-h`));
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
}

describe("test bed of 3 hosts", { skip, timeout: 20 * 60_000 }, () => {
  let inv: Inventory;
  let unregister: () => void = () => undefined;

  before(async () => {
    unregister = registerBedTeardown(BED);
    inv = await upBed({ hosts: 3, bed: BED });
  });

  after(async () => {
    await downBed(BED);
    unregister();
  });

  it("writes an inventory of 3 hosts on the bed's own /24", () => {
    assert.equal(inv.bed, BED);
    assert.deepEqual(
      inv.hosts.map((h) => h.name),
      ["h1", "h2", "h3"],
    );
    const prefix = inv.runnerAddress.replace(/\.1$/, "");
    assert.equal(inv.subnet, `${prefix}.0/24`);
    assert.deepEqual(
      inv.hosts.map((h) => h.address),
      [`${prefix}.11`, `${prefix}.12`, `${prefix}.13`],
    );
    assert.ok(fs.existsSync(inv.sshPrivateKeyPath), inv.sshPrivateKeyPath);
    assert.match(fs.readFileSync(inv.knownHostsPath, "utf8"), /^h1,\S+ ssh-ed25519 /m);
    // The state dir (STATE/BED/inventory.json) is root's alone: tb acts on what is in it as root.
    const state = fs.statSync(path.dirname(path.dirname(inv.path)));
    assert.equal(state.uid, 0);
    assert.equal((state.mode & 0o7777).toString(8), "700");
  });

  it("lets root and the sudo user in over SSH, with strict host key checking", async () => {
    await eachHost(inv, async (h) => {
      assert.equal(await ok(h.name, "hostname && id -un"), `${h.name}\nroot`);
      assert.equal(await ok(h.name, "id -un && sudo -n true && echo sudo-ok", { user: inv.sudoUser }), "deploy\nsudo-ok");
    });
  });

  it("runs systemd as PID 1 on each host, with nothing failed", async () => {
    await eachHost(inv, async (h) => {
      assert.equal(await ok(h.name, "ps -o comm= -p 1"), "systemd");
      // is-system-running exits non-zero unless "running": read the state, then judge it.
      const r = await sshHost(h.name, "systemctl is-system-running --wait", { bed: BED });
      const state = r.stdout.trim();
      if (state !== "running") {
        const failed = (await ok(h.name, "systemctl --failed --no-legend --plain | awk '{print $1}'"))
          .split("\n")
          .filter(Boolean);
        const unknown = failed.filter((u) => !KNOWN_FAILED_UNITS.includes(u));
        assert.ok(
          state === "degraded" && unknown.length === 0,
          `${h.name} is ${state}; failed units: ${failed.join(", ") || "none"}`,
        );
      }
      assert.equal(await ok(h.name, "systemctl is-active ssh dbus systemd-journald | sort -u"), "active");
      assert.equal(await ok(h.name, "systemd-detect-virt"), "systemd-nspawn");
    });
  });

  it("gives each host its own identity", async () => {
    const ids = await Promise.all(inv.hosts.map((h) => ok(h.name, "cat /etc/machine-id")));
    assert.equal(new Set(ids).size, 3, `machine-ids: ${ids.join(", ")}`);
    ids.forEach((id) => assert.match(id, /^[0-9a-f]{32}$/));
  });

  it("lets hosts reach each other by name", async () => {
    await eachHost(inv, async (from) => {
      for (const to of inv.hosts) {
        if (from === to) continue;
        assert.equal(await ok(from.name, `getent hosts ${to.name} | awk '{print $1}'`), to.address);
        assert.ok(await reaches(from.name, to.name), `${from.name} -> ${to.name}:22`);
      }
    });
  });

  it("gives hosts no way out: no default route, no DNS", async () => {
    await eachHost(inv, async (h) => {
      assert.equal(await ok(h.name, "ip -4 route show default; ip -6 route show default"), "");
      const dns = await sshHost(h.name, "getent hosts deb.debian.org", { bed: BED });
      assert.notEqual(dns.code, 0, `${h.name} resolved deb.debian.org: ${dns.stdout}`);
      assert.equal(await ok(h.name, "grep -c '^nameserver' /etc/resolv.conf || true"), "0");
    });
    assert.equal(fs.readFileSync("/proc/sys/net/ipv4/ip_forward", "utf8").trim(), "0");
  });

  it("has Debian's etcd 3.4 installed but not enabled", async () => {
    await eachHost(inv, async (h) => {
      const out = await ok(
        h.name,
        "etcd --version; etcdctl version; dpkg-query -W -f='etcd-server ${Version}\\n' etcd-server;" +
          " echo enabled=$(systemctl is-enabled etcd) active=$(systemctl is-active etcd)",
      );
      assert.match(out, /^etcd Version: 3\.4\./m);
      assert.match(out, /^etcdctl version: 3\.4\./m);
      assert.match(out, /^etcd-server 3\.4\./m);
      assert.match(out, /^enabled=disabled active=inactive$/m);
    });
  });

  it("cuts a host off the network and heals it", async () => {
    assert.ok(await reaches("h1", "h2"), "h1 -> h2 before the cut");
    await cutHost("h2", { bed: BED });
    assert.equal((await bedStatus(BED)).hosts[1].link, "cut");
    assert.equal(await reaches("h1", "h2"), false, "h1 still reaches h2 after the cut");
    // The host itself keeps running: only its link is down.
    assert.equal((await execHost("h2", "hostname", { bed: BED })).stdout.trim(), "h2");
    await healHost("h2", { bed: BED });
    await eventually("h1 reaches h2 after heal", () => reaches("h1", "h2"));
  });

  it("crashes a host and boots it again with its disk kept", async () => {
    await ok("h3", "echo before-crash > /var/lib/tb-marker && sync");
    const bootBefore = await ok("h3", "cat /proc/sys/kernel/random/boot_id");
    await killHost("h3", { bed: BED });
    assert.equal((await bedStatus(BED)).hosts[2].state, "stopped");
    const down = await sshHost("h3", "true", { bed: BED, timeoutMs: 20_000 });
    assert.notEqual(down.code, 0, "SSH to a killed host succeeded");
    await startHost("h3", { bed: BED });
    assert.equal(await ok("h3", "cat /var/lib/tb-marker"), "before-crash");
    assert.notEqual(await ok("h3", "cat /proc/sys/kernel/random/boot_id"), bootBefore);
  });

  it("reboots a host from inside and brings it back", async () => {
    const bootBefore = await ok("h1", "cat /proc/sys/kernel/random/boot_id");
    await restartHost("h1", { bed: BED });
    assert.notEqual(await ok("h1", "cat /proc/sys/kernel/random/boot_id"), bootBefore);
    assert.equal((await bedStatus(BED)).hosts[0].state, "running");
  });

  it("tears down without leftovers", async () => {
    const stateDir = path.dirname(inv.path);
    await downBed(BED);
    assert.deepEqual(leftovers(BED, stateDir), []);
    assert.equal((await bedStatus(BED)).up, false);
    // Idempotent.
    await downBed(BED);
  });
});

describe("up over a leftover bed", { skip, timeout: 20 * 60_000 }, () => {
  let unregister: () => void = () => undefined;
  before(() => {
    unregister = registerBedTeardown(BED);
  });
  after(async () => {
    await downBed(BED);
    unregister();
  });

  it("replaces a bed whose runner crashed (supervisors gone, containers still running)", async () => {
    const first = await upBed({ hosts: 2, bed: BED });
    const stateDir = path.dirname(first.path);
    await ok("h1", "echo stale > /var/lib/tb-marker");
    // The runner "crashes": its supervisors die, the containers they started keep running.
    for (const f of fs.readdirSync(path.join(stateDir, "run")).filter((f) => f.endsWith(".super.pid"))) {
      process.kill(Number(fs.readFileSync(path.join(stateDir, "run", f), "utf8")), "SIGKILL");
    }
    assert.equal(nspawnPids(BED).length, 2, "containers should outlive their supervisors");

    const second = await upBed({ hosts: 2, bed: BED });
    assert.deepEqual(second.hosts, first.hosts);
    assert.equal(await ok("h2", "hostname"), "h2");
    // A fresh host, not the leftover one: the marker went with the old upper dir.
    const marker = await sshHost("h1", "cat /var/lib/tb-marker", { bed: BED });
    assert.notEqual(marker.code, 0, "h1 still has the leftover bed's disk");
    assert.equal(nspawnPids(BED).length, 2, "exactly one container per host");
    assert.deepEqual(
      (await bedStatus(BED)).hosts.map((h) => h.state),
      ["running", "running"],
    );

    await downBed(BED);
    assert.deepEqual(leftovers(BED, stateDir), []);
  });
});
