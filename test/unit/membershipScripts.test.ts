// The membership scripts under /bin/sh against a stand-in etcdctl that behaves like the real
// one where it matters: it refuses an endpoint given both in the environment and on the command
// line, prints `member list -w simple` from a state file, and records every call.

import { after, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { MemberPlan } from "../../components/etcd/member";
import { joinScript, promoteScript, removeMemberScript } from "../../components/etcd/membershipScripts";
import { planCluster } from "../../components/etcd/plan";
import { parseWith } from "./helpers";

const dirs: string[] = [];
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const FAKE_ETCDCTL = `#!/bin/sh
state=$(dirname "$0")
if [ -n "\${ETCDCTL_ENDPOINTS:-}" ]; then
  case "$*" in *--endpoints=*) echo "conflicting environment variable is shadowed by corresponding command-line flag" >&2; exit 1 ;; esac
fi
echo "$*" >> "$state/calls"
if [ -e "$state/down" ]; then echo "context deadline exceeded" >&2; exit 1; fi
case "$*" in
  *"member list -w simple"*) cat "$state/list" ;;
  *"member promote "*) sed -i 's/, true$/, false/' "$state/list"; echo promoted ;;
  *"member add "*) echo added ;;
  *"member remove "*) echo removed ;;
  *"endpoint health"*) echo healthy ;;
  *) echo "unexpected: $*" >&2; exit 2 ;;
esac
`;

const H = (i: number): string => `${[0, "8e9e05c52164694d", "91bc3c398fb3c146", "fd422379fda50e48"][i]}, started, h${i}, https://10.0.0.${i}:2380, https://10.0.0.${i}:2379`;

/** A host in a temp dir: profile, config, data dir, the fake etcdctl; the member's plan pointing there. */
function host(opts: { list: string[]; state?: "new" | "existing"; data?: boolean }): { dir: string; member: MemberPlan; calls: () => string[] } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "etcdhosts-membership-"));
    dirs.push(dir);
    fs.writeFileSync(path.join(dir, "etcdctl"), FAKE_ETCDCTL, { mode: 0o755 });
    fs.writeFileSync(path.join(dir, "list"), opts.list.map((l) => `${l}\n`).join(""));
    fs.writeFileSync(path.join(dir, "profile.sh"), "export ETCDCTL_ENDPOINTS=https://10.0.0.1:2379,https://10.0.0.2:2379,https://10.0.0.3:2379\n");
    fs.writeFileSync(path.join(dir, "etcd.conf.yml"), `name: h3\ninitial-cluster-state: ${opts.state ?? "existing"}\n`);
    if (opts.data === true) fs.mkdirSync(path.join(dir, "data", "member"), { recursive: true });
    const plan = planCluster(parseWith({ nodes: [1, 2, 3].map((i) => ({ name: `h${i}`, address: `10.0.0.${i}` })) }));
    const m = plan.members[2];
    const member: MemberPlan = {
        ...m,
        dataDir: path.join(dir, "data"),
        binaries: { etcd: path.join(dir, "etcd"), etcdctl: path.join(dir, "etcdctl") },
        paths: { ...m.paths, configFile: path.join(dir, "etcd.conf.yml"), etcdctlProfile: path.join(dir, "profile.sh") },
    };
    const calls = (): string[] => (fs.existsSync(path.join(dir, "calls")) ? fs.readFileSync(path.join(dir, "calls"), "utf8").trim().split("\n") : []);
    return { dir, member, calls };
}

function sh(script: string): { status: number | null; stdout: string; stderr: string } {
    const r = spawnSync("sh", ["-c", script], { encoding: "utf8", timeout: 20_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const T = "--dial-timeout=3s --command-timeout=10s";
const OTHERS = "--endpoints=https://10.0.0.1:2379,https://10.0.0.2:2379";
const ALL = "--endpoints=https://10.0.0.1:2379,https://10.0.0.2:2379,https://10.0.0.3:2379";

describe("membership scripts", () => {
    it("join: a bootstrapping member (state new) calls nothing", () => {
        const h = host({ list: [H(1), H(2)], state: "new" });
        assert.equal(sh(joinScript(h.member)).status, 0);
        assert.deepEqual(h.calls(), []);
    });

    it("join: a new member is added as a learner through the other members", () => {
        const h = host({ list: [H(1), H(2)] });
        const r = sh(joinScript(h.member));
        assert.equal(r.status, 0, r.stderr);
        assert.deepEqual(h.calls(), [`${T} ${OTHERS} member list -w simple`, `${T} ${OTHERS} member add h3 --peer-urls=https://10.0.0.3:2380 --learner`]);
    });

    it("join: already in the list (a run killed after the add) adds nothing", () => {
        const h = host({ list: [H(1), H(2), "abcdef0123456789, unstarted, , https://10.0.0.3:2380, , true"] });
        const r = sh(joinScript(h.member));
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /in the member list/);
        assert.deepEqual(h.calls(), [`${T} ${OTHERS} member list -w simple`]);
    });

    it("join: data left by a removed member of that name is moved aside, never deleted, then added", () => {
        const h = host({ list: [H(1), H(2)], data: true });
        const r = sh(joinScript(h.member));
        assert.equal(r.status, 0, r.stderr);
        const left = fs.readdirSync(path.join(h.dir, "data"));
        assert.equal(left.length, 1);
        assert.match(left[0], /^member\.removed-[0-9]+$/);
        assert.equal(h.calls().length, 2);
    });

    it("join: a member with data whose cluster does not answer keeps its data (no member list is no proof it left)", () => {
        const h = host({ list: [H(1), H(2), H(3)], data: true });
        fs.writeFileSync(path.join(h.dir, "down"), "");
        const r = sh(joinScript(h.member));
        assert.equal(r.status, 0, r.stderr);
        assert.deepEqual(fs.readdirSync(path.join(h.dir, "data")), ["member"]);
        assert.deepEqual(h.calls(), [`${T} ${OTHERS} member list -w simple`]);
    });

    it("join: run again on a bootstrapped one-member cluster (say, after a host key rotation) does nothing", () => {
        const h = host({ list: [H(3)], data: true });
        fs.writeFileSync(path.join(h.dir, "profile.sh"), "export ETCDCTL_ENDPOINTS=https://10.0.0.3:2379\n");
        const r = sh(joinScript(h.member));
        assert.equal(r.status, 0, r.stderr);
        assert.deepEqual(fs.readdirSync(path.join(h.dir, "data")), ["member"]);
        assert.deepEqual(h.calls(), []);
    });

    it("promote: a learner is promoted, then waits until it votes and answers healthy", () => {
        const h = host({ list: [H(1), H(2), `${H(3)}, true`] });
        const r = sh(promoteScript(h.member));
        assert.equal(r.status, 0, r.stderr);
        assert.deepEqual(h.calls(), [
            `${T} ${ALL} member list -w simple`,
            `${T} ${ALL} member promote fd422379fda50e48`,
            `${T} ${ALL} member list -w simple`,
            `${T} --endpoints=https://10.0.0.3:2379 endpoint health`,
        ]);
    });

    it("promote: a voting member only checks its health", () => {
        const h = host({ list: [`${H(1)}, false`, `${H(2)}, false`, `${H(3)}, false`] });
        assert.equal(sh(promoteScript(h.member)).status, 0);
        assert.deepEqual(h.calls(), [`${T} ${ALL} member list -w simple`, `${T} --endpoints=https://10.0.0.3:2379 endpoint health`]);
    });

    it("remove: by id from the list; a member no longer listed is done; the last member is kept", () => {
        const leaving = { name: "h2", peerUrl: "https://10.0.0.2:2380" };
        const h = host({ list: [`${H(1)}, false`, `${H(2)}, false`, `${H(3)}, false`] });
        assert.equal(sh(removeMemberScript(h.member, leaving)).status, 0);
        assert.deepEqual(h.calls(), [`${T} ${ALL} member list -w simple`, `${T} ${ALL} member remove 91bc3c398fb3c146`]);
        const gone = host({ list: [`${H(1)}, false`, `${H(3)}, false`] });
        assert.equal(sh(removeMemberScript(gone.member, leaving)).status, 0);
        assert.deepEqual(gone.calls(), [`${T} ${ALL} member list -w simple`]);
        const last = host({ list: [`${H(2)}, false`] });
        const r = sh(removeMemberScript(last.member, leaving));
        assert.equal(r.status, 1);
        assert.match(r.stderr, /h2 is the last member; kept/);
    });
});
