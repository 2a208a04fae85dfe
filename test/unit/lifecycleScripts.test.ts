// Unit tests of the lifecycle script builders (components/etcd/lifecycleScripts.ts): exact text
// per runtime (a systemd member on etcd 3.6, a pc-master member on 3.4 with its env file, a
// static-pod member, IPv6 members), then execution under the local /bin/sh (dash on Debian):
// - markExistingScript edits real renders (etcd.conf.yml, the ETCD_* file, the pod manifest) in
//   temp copies, and only when the marker holds this cluster's token;
// - startScript and rollScript run against PATH shims of etcdctl/curl/systemctl/pgrep/... that
//   record their calls (rollScript with injected, short timeouts).
// What this can't prove: that real etcd, systemd and the kubelet behave as the shims pretend
// (the test bed's e2e tests do), e.g. that the kubelet restarts a pod whose manifest changed.

import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as child_process from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseClusterConfig } from "../../components/config";
import type { ClusterConfig } from "../../components/types";
import type { EtcdMember, MemberOptions } from "../../components/etcd/member";
import { clientEndpoints } from "../../components/etcd/flags";
import { renderConfigFile } from "../../components/etcd/renderConfigFile";
import { renderEnvFile } from "../../components/etcd/renderEnvFile";
import { renderStaticPod } from "../../components/etcd/renderStaticPod";
import { BOOTSTRAPPED_MARKER, STAGED_MANIFEST } from "../../components/constants";
import {
    CLUSTER_READY_TIMEOUT_SECONDS,
    MEMBER_READY_TIMEOUT_SECONDS,
    ROLL_PRECHECK_TIMEOUT_SECONDS,
    clusterHealthyCheck,
    curlTls,
    etcdctl,
    healthGateScript,
    healthcheckTls,
    loopbackClientUrl,
    markBootstrappedScript,
    markExistingScript,
    memberHealthyCheck,
    rollScript,
    runtimeOf,
    startScript,
    stopScript,
    unmarkBootstrappedScript,
} from "../../components/etcd/lifecycleScripts";
import { buildMember, buildMembers, parseWith, stackRaw } from "./helpers";

const TOKEN = "etcd-0123456789abcdef0123456789abcdef";
const NEW: MemberOptions = { initialClusterState: "new", initialClusterToken: TOKEN };

function stackMember(stack: string): { cfg: ClusterConfig; member: EtcdMember; endpoints: string[] } {
    const cfg = parseClusterConfig(stackRaw(stack));
    return { cfg, member: buildMember(cfg, cfg.nodes[0].name, NEW), endpoints: clientEndpoints(buildMembers(cfg, NEW)) };
}

const V6_NODES = [
    { name: "v1", address: "2001:db8::11" },
    { name: "v2", address: "2001:db8::12" },
    { name: "v3", address: "2001:db8::13" },
];

/** systemd layout, etcd 3.6.16, binary install (/usr/local/bin), nodes h1..h3 (the dev stack). */
const SD = stackMember("dev");
/** pc-master layout, etcd 3.4.23 from Debian's package (/usr/bin), one member, ETCD_* env file. */
const PCM = stackMember("pc-master");
/** static-pod layout, etcd 3.6.16 (/readyz), master1..master3. */
const SP = stackMember("static-pod");
const V6_SD_CFG = parseWith({ nodes: V6_NODES });
const V6_SD = { member: buildMember(V6_SD_CFG, "v1", NEW), endpoints: clientEndpoints(buildMembers(V6_SD_CFG, NEW)) };
const V6_SP_CFG = parseWith({ nodes: V6_NODES, layout: "static-pod" });
const V6_SP = { member: buildMember(V6_SP_CFG, "v1", NEW), endpoints: clientEndpoints(buildMembers(V6_SP_CFG, NEW)) };

// Repeated fragments, spelled out once.
// etcdctl 3.6 warns about ETCDCTL_API; 3.4 (the Debian package) still reads it.
const SD_CTL = "/usr/local/bin/etcdctl";
const PCM_CTL = "ETCDCTL_API=3 /usr/bin/etcdctl";
const ETC_TLS = "--cacert=/etc/etcd/pki/ca.crt --cert=/etc/etcd/pki/healthcheck-client.crt --key=/etc/etcd/pki/healthcheck-client.key --dial-timeout=3s --command-timeout=5s";
const SP_CURL = "curl -sS --fail --max-time 5 --cacert /etc/kubernetes/pki/etcd/ca.crt --cert /etc/kubernetes/pki/etcd/healthcheck-client.crt --key /etc/kubernetes/pki/etcd/healthcheck-client.key";
const JOURNAL = "journalctl -u etcd.service -n 30 --no-pager >&2 || true";
const POD_LOGS = "tail -n 30 /var/log/pods/*etcd*/*/*.log >&2 2>/dev/null || true";
const SD_ALL = "https://10.213.0.11:2379,https://10.213.0.12:2379,https://10.213.0.13:2379";
const SD_OTHERS = "https://10.213.0.12:2379,https://10.213.0.13:2379";
/**
 * The systemd roll's pre-check: the other voting members from the member list, reached through
 * the endpoints of the host's etcdctl profile (`profile` in tests), then their health.
 */
const SD_PRECHECK = (name: string, ctl = SD_CTL, profile = "/etc/profile.d/etcdctl.sh"): string[] => [
    "others_healthy() {",
    `  all=$(. ${profile} && printf '%s' "$ETCDCTL_ENDPOINTS") || return 1`,
    `  list=$(${ctl} --endpoints="$all" ${ETC_TLS} member list -w simple 2>/dev/null) || return 1`,
    `  eps=$(printf '%s\\n' "$list" | awk -F', ' -v me=${name} '$2 == "started" && $3 != me && $6 == "false" {print $5}' | paste -sd, -)`,
    `  [ -z "$eps" ] || ${ctl} --endpoints="$eps" ${ETC_TLS} endpoint health >/dev/null 2>&1`,
    "}",
];
const SP_HEALTH = (ip: string): string => `${SP_CURL} -o /dev/null https://${ip}:2379/health 2>/dev/null`;

describe("constants", () => {
    it("paths and timeouts", () => {
        assert.equal(BOOTSTRAPPED_MARKER, "/etc/etcd/.etcdhosts-bootstrapped");
        assert.equal(STAGED_MANIFEST, "/etc/kubernetes/etcdhosts/etcd.yaml");
        assert.equal(MEMBER_READY_TIMEOUT_SECONDS, 120);
        assert.equal(CLUSTER_READY_TIMEOUT_SECONDS, 180);
        assert.equal(ROLL_PRECHECK_TIMEOUT_SECONDS, 30);
    });
});

describe("fragments per member", () => {
    const cases: { name: string; actual: () => unknown; expected: unknown }[] = [
        { name: "runtime: systemd layout", actual: () => runtimeOf(SD.member), expected: "systemd" },
        { name: "runtime: pc-master layout", actual: () => runtimeOf(PCM.member), expected: "systemd" },
        { name: "runtime: static-pod layout", actual: () => runtimeOf(SP.member), expected: "static-pod" },
        {
            name: "healthcheck TLS files: systemd",
            actual: () => healthcheckTls(SD.member),
            expected: { ca: "/etc/etcd/pki/ca.crt", cert: "/etc/etcd/pki/healthcheck-client.crt", key: "/etc/etcd/pki/healthcheck-client.key" },
        },
        {
            name: "healthcheck TLS files: static pod (kubeadm dir)",
            actual: () => healthcheckTls(SP.member),
            expected: { ca: "/etc/kubernetes/pki/etcd/ca.crt", cert: "/etc/kubernetes/pki/etcd/healthcheck-client.crt", key: "/etc/kubernetes/pki/etcd/healthcheck-client.key" },
        },
        { name: "loopback URL: IPv4", actual: () => loopbackClientUrl(SD.member), expected: "https://127.0.0.1:2379" },
        { name: "loopback URL: IPv6 is bracketed", actual: () => loopbackClientUrl(V6_SD.member), expected: "https://[::1]:2379" },
        { name: "etcdctl: binary install", actual: () => etcdctl(SD.member, ["https://a:2379"]), expected: `${SD_CTL} --endpoints=https://a:2379 ${ETC_TLS}` },
        { name: "etcdctl: package install", actual: () => etcdctl(PCM.member, ["https://a:2379"]), expected: `${PCM_CTL} --endpoints=https://a:2379 ${ETC_TLS}` },
        { name: "curl with the health-check client", actual: () => curlTls(SP.member), expected: SP_CURL },
        {
            name: "member check: systemd over loopback",
            actual: () => memberHealthyCheck(SD.member),
            expected: `${SD_CTL} --endpoints=https://127.0.0.1:2379 ${ETC_TLS} endpoint health >/dev/null 2>&1`,
        },
        {
            name: "member check: systemd IPv6, the bracketed URL quoted against globbing",
            actual: () => memberHealthyCheck(V6_SD.member),
            expected: `${SD_CTL} '--endpoints=https://[::1]:2379' ${ETC_TLS} endpoint health >/dev/null 2>&1`,
        },
        {
            name: "member check: static pod 3.6 on the loopback metrics port, /readyz",
            actual: () => memberHealthyCheck(SP.member),
            expected: "curl -sS --fail --max-time 5 -o /dev/null http://127.0.0.1:2381/readyz 2>/dev/null",
        },
        {
            name: "member check: static pod IPv6",
            actual: () => memberHealthyCheck(V6_SP.member),
            expected: "curl -sS --fail --max-time 5 -o /dev/null 'http://[::1]:2381/readyz' 2>/dev/null",
        },
        {
            name: "cluster check: systemd, every endpoint in one etcdctl",
            actual: () => clusterHealthyCheck(SD.member, SD.endpoints),
            expected: `${SD_CTL} --endpoints=${SD_ALL} ${ETC_TLS} endpoint health >/dev/null 2>&1`,
        },
        {
            name: "cluster check: IPv6 endpoints",
            actual: () => clusterHealthyCheck(V6_SD.member, V6_SD.endpoints),
            expected: `${SD_CTL} '--endpoints=https://[2001:db8::11]:2379,https://[2001:db8::12]:2379,https://[2001:db8::13]:2379' ${ETC_TLS} endpoint health >/dev/null 2>&1`,
        },
        {
            name: "cluster check: static pod, one curl per endpoint",
            actual: () => clusterHealthyCheck(SP.member, SP.endpoints),
            expected: [SP_HEALTH("10.240.0.11"), SP_HEALTH("10.240.0.12"), SP_HEALTH("10.240.0.13")].join(" && "),
        },
    ];
    for (const c of cases) it(c.name, () => assert.deepEqual(c.actual(), c.expected));
});

/** The polling loop every waiting script uses, as literal lines. */
function loop(check: string, seconds: number, message: string, onFailure: string, indent = ""): string[] {
    return [
        "i=0",
        `until ${check}; do`,
        "  i=$((i + 1))",
        `  if [ "$i" -ge ${seconds} ]; then`,
        `    printf 'etcdhosts: %s\\n' '${message}' >&2`,
        `    ${onFailure}`,
        "    exit 1",
        "  fi",
        "  sleep 1",
        "done",
    ].map((l) => indent + l);
}

const SP_ACTIVATE = [
    "mkdir -p /etc/kubernetes/manifests",
    "install -m 0600 -o root -g root /etc/kubernetes/etcdhosts/etcd.yaml /etc/kubernetes/manifests/.etcd.yaml.tmp",
    "mv -f /etc/kubernetes/manifests/.etcd.yaml.tmp /etc/kubernetes/manifests/etcd.yaml",
];

describe("script builders: exact text", () => {
    const cases: { name: string; script: () => string; lines: string[] }[] = [
        // start
        {
            name: "start, systemd: enable and start without blocking (quorum needs the others)",
            script: () => startScript(SD.member),
            lines: ["set -eu", "systemctl daemon-reload", "systemctl enable --no-reload etcd.service", "systemctl start --no-block etcd.service"],
        },
        {
            name: "start, pc-master: the same unit commands",
            script: () => startScript(PCM.member),
            lines: ["set -eu", "systemctl daemon-reload", "systemctl enable --no-reload etcd.service", "systemctl start --no-block etcd.service"],
        },
        {
            name: "start, static pod: atomic copy of the staged manifest, unless the member already runs",
            script: () => startScript(SP.member),
            lines: ["set -eu", "if [ ! -e /etc/kubernetes/manifests/etcd.yaml ]; then", ...SP_ACTIVATE.map((l) => `  ${l}`), "fi"],
        },
        // stop
        {
            name: "stop, systemd: idempotent",
            script: () => stopScript(SD.member),
            lines: ["set -eu", "systemctl disable --now etcd.service 2>/dev/null || true", "systemctl reset-failed etcd.service 2>/dev/null || true"],
        },
        {
            name: "stop, pc-master",
            script: () => stopScript(PCM.member),
            lines: ["set -eu", "systemctl disable --now etcd.service 2>/dev/null || true", "systemctl reset-failed etcd.service 2>/dev/null || true"],
        },
        {
            name: "stop, static pod: remove both manifests, wait for etcd to go",
            script: () => stopScript(SP.member),
            lines: [
                "set -eu",
                "rm -f /etc/kubernetes/manifests/etcd.yaml /etc/kubernetes/etcdhosts/etcd.yaml",
                ...loop("! pgrep -x etcd >/dev/null", 60, "the kubelet did not stop member master1", "true"),
            ],
        },
        // roll
        {
            name: "roll, systemd: other members healthy, restart, wait for this member",
            script: () => rollScript(SD.member, SD.endpoints, "FP1"),
            lines: [
                "# etcdhosts restart fingerprint: FP1",
                "set -eu",
                ...SD_PRECHECK("h1"),
                ...loop("others_healthy", 30, "refusing to restart member h1: the other members are not all healthy", "true"),
                "systemctl daemon-reload",
                "systemctl restart etcd.service",
                ...loop(`${SD_CTL} --endpoints=https://127.0.0.1:2379 ${ETC_TLS} endpoint health >/dev/null 2>&1`, 120, "member h1 is not healthy 120s after its restart", JOURNAL),
            ],
        },
        {
            name: "roll, systemd, injected timeouts",
            script: () => rollScript(SD.member, SD.endpoints, "FP1", { precheckSeconds: 4, memberSeconds: 7 }),
            lines: [
                "# etcdhosts restart fingerprint: FP1",
                "set -eu",
                ...SD_PRECHECK("h1"),
                ...loop("others_healthy", 4, "refusing to restart member h1: the other members are not all healthy", "true"),
                "systemctl daemon-reload",
                "systemctl restart etcd.service",
                ...loop(`${SD_CTL} --endpoints=https://127.0.0.1:2379 ${ETC_TLS} endpoint health >/dev/null 2>&1`, 7, "member h1 is not healthy 7s after its restart", JOURNAL),
            ],
        },
        {
            name: "roll, pc-master: a single member has no others to check",
            script: () => rollScript(PCM.member, PCM.endpoints, "FP2"),
            lines: [
                "# etcdhosts restart fingerprint: FP2",
                "set -eu",
                "systemctl daemon-reload",
                "systemctl restart etcd.service",
                ...loop(`${PCM_CTL} --endpoints=https://127.0.0.1:2379 ${ETC_TLS} endpoint health >/dev/null 2>&1`, 120, "member pc-master is not healthy 120s after its restart", JOURNAL),
            ],
        },
        {
            name: "roll, systemd IPv6",
            script: () => rollScript(V6_SD.member, V6_SD.endpoints, "FP3"),
            lines: [
                "# etcdhosts restart fingerprint: FP3",
                "set -eu",
                // The pre-check's text names no member address: the member list does.
                ...SD_PRECHECK("v1"),
                ...loop("others_healthy", 30, "refusing to restart member v1: the other members are not all healthy", "true"),
                "systemctl daemon-reload",
                "systemctl restart etcd.service",
                ...loop(`${SD_CTL} '--endpoints=https://[::1]:2379' ${ETC_TLS} endpoint health >/dev/null 2>&1`, 120, "member v1 is not healthy 120s after its restart", JOURNAL),
            ],
        },
        {
            name: "roll, static pod: activate the staged manifest, wait for a new etcd, then /readyz",
            script: () => rollScript(SP.member, SP.endpoints, "FP4"),
            lines: [
                "# etcdhosts restart fingerprint: FP4",
                "set -eu",
                ...loop(`${SP_HEALTH("10.240.0.12")} && ${SP_HEALTH("10.240.0.13")}`, 30, "refusing to restart member master1: the other members are not all healthy", "true"),
                "old=$(pgrep -x etcd || true)",
                "if cmp -s /etc/kubernetes/etcdhosts/etcd.yaml /etc/kubernetes/manifests/etcd.yaml; then",
                "  rm -f /etc/kubernetes/manifests/etcd.yaml",
                ...loop("! pgrep -x etcd >/dev/null", 120, "the kubelet did not stop member master1", POD_LOGS, "  "),
                "fi",
                ...SP_ACTIVATE,
                ...loop('[ -n "$(pgrep -x etcd || true)" ] && [ "$(pgrep -x etcd || true)" != "$old" ]', 120, "the kubelet did not restart member master1", POD_LOGS),
                ...loop("curl -sS --fail --max-time 5 -o /dev/null http://127.0.0.1:2381/readyz 2>/dev/null", 120, "member master1 is not healthy 120s after its restart", POD_LOGS),
            ],
        },
        // health gate
        {
            name: "health gate, systemd: every endpoint healthy, then the member list as JSON",
            script: () => healthGateScript(SD.member, SD.endpoints, "tok/FP"),
            lines: [
                "# etcdhosts cluster fingerprint: tok/FP",
                "set -eu",
                ...loop(`${SD_CTL} --endpoints=${SD_ALL} ${ETC_TLS} endpoint health >/dev/null 2>&1`, 180, "the cluster is not healthy on every member after 180s (checked from h1)", JOURNAL),
                `${SD_CTL} --endpoints=${SD_ALL} ${ETC_TLS} member list -w json`,
            ],
        },
        {
            name: "health gate, pc-master 3.4",
            script: () => healthGateScript(PCM.member, PCM.endpoints, "tok/FP"),
            lines: [
                "# etcdhosts cluster fingerprint: tok/FP",
                "set -eu",
                ...loop(
                    `${PCM_CTL} --endpoints=https://192.168.1.105:2379 ${ETC_TLS} endpoint health >/dev/null 2>&1`,
                    180,
                    "the cluster is not healthy on every member after 180s (checked from pc-master)",
                    JOURNAL,
                ),
                `${PCM_CTL} --endpoints=https://192.168.1.105:2379 ${ETC_TLS} member list -w json`,
            ],
        },
        {
            name: "health gate, static pod: curl, member list through the JSON gateway",
            script: () => healthGateScript(SP.member, SP.endpoints, "tok/FP"),
            lines: [
                "# etcdhosts cluster fingerprint: tok/FP",
                "set -eu",
                ...loop(
                    [SP_HEALTH("10.240.0.11"), SP_HEALTH("10.240.0.12"), SP_HEALTH("10.240.0.13")].join(" && "),
                    180,
                    "the cluster is not healthy on every member after 180s (checked from master1)",
                    POD_LOGS,
                ),
                `${SP_CURL} -X POST -d '{}' https://10.240.0.11:2379/v3/cluster/member/list`,
            ],
        },
        // bootstrap marker
        {
            name: "mark bootstrapped, systemd: marker, then etcd.conf.yml",
            script: () => markBootstrappedScript(SD.member, TOKEN),
            lines: [
                "set -eu",
                "umask 022",
                `printf '%s\\n' ${TOKEN} > /etc/etcd/.etcdhosts-bootstrapped`,
                `if [ "$(cat /etc/etcd/.etcdhosts-bootstrapped 2>/dev/null || true)" = ${TOKEN} ]; then`,
                "  [ ! -f /etc/etcd/etcd.conf.yml ] || sed -i 's/^initial-cluster-state: new$/initial-cluster-state: existing/' /etc/etcd/etcd.conf.yml",
                "fi",
            ],
        },
        {
            name: "mark existing, pc-master: the env file",
            script: () => markExistingScript(PCM.member, TOKEN),
            lines: [
                `if [ "$(cat /etc/etcd/.etcdhosts-bootstrapped 2>/dev/null || true)" = ${TOKEN} ]; then`,
                "  [ ! -f /etc/etcd/etcd.env ] || sed -i 's/^ETCD_INITIAL_CLUSTER_STATE=new$/ETCD_INITIAL_CLUSTER_STATE=existing/' /etc/etcd/etcd.env",
                "fi",
            ],
        },
        {
            name: "mark existing, static pod: only the staged manifest",
            script: () => markExistingScript(SP.member, TOKEN),
            lines: [
                `if [ "$(cat /etc/etcd/.etcdhosts-bootstrapped 2>/dev/null || true)" = ${TOKEN} ]; then`,
                "  [ ! -f /etc/kubernetes/etcdhosts/etcd.yaml ] || sed -i 's/--initial-cluster-state=new$/--initial-cluster-state=existing/' /etc/kubernetes/etcdhosts/etcd.yaml",
                "fi",
            ],
        },
        {
            name: "mark existing, paths overridden (tests), a token that needs quoting",
            script: () => markExistingScript(SP.member, "it's", { marker: "/tmp/m k", stagedManifest: "/tmp/p.yaml" }),
            lines: [
                `if [ "$(cat '/tmp/m k' 2>/dev/null || true)" = 'it'"'"'s' ]; then`,
                "  [ ! -f /tmp/p.yaml ] || sed -i 's/--initial-cluster-state=new$/--initial-cluster-state=existing/' /tmp/p.yaml",
                "fi",
            ],
        },
        { name: "unmark", script: () => unmarkBootstrappedScript(), lines: ["rm -f /etc/etcd/.etcdhosts-bootstrapped"] },
    ];
    for (const c of cases) it(c.name, () => assert.deepEqual(c.script().split("\n"), c.lines));

    it("a static-pod member without a manifest path is refused", () => {
        const broken = { ...SP.member, paths: { etcdctlProfile: SP.member.paths.etcdctlProfile } };
        assert.throws(() => startScript(broken), { message: 'member "master1" has no manifest path' });
    });
});

// ---------------------------------------------------------------------------------------------
// Execution under the local /bin/sh.

function tempDir(prefix: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `etcdhosts-${prefix}-`));
    process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
    return dir;
}

interface Run {
    status: number | null;
    stdout: string;
    stderr: string;
}

function sh(script: string, env: Record<string, string> = {}): Run {
    const r = child_process.spawnSync("/bin/sh", ["-c", script], {
        encoding: "utf8",
        timeout: 60_000,
        env: { PATH: "/usr/local/bin:/usr/bin:/bin", ...env },
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const modeOf = (p: string): string => (fs.statSync(p).mode & 0o7777).toString(8).padStart(4, "0");

describe("markExistingScript under /bin/sh against real renders", () => {
    const render = {
        "etcd.conf.yml (systemd)": {
            member: SD.member,
            text: renderConfigFile(SD.member),
            newLine: "initial-cluster-state: new",
            existingLine: "initial-cluster-state: existing",
        },
        "etcd.env (pc-master)": {
            member: PCM.member,
            text: renderEnvFile(PCM.member),
            newLine: "ETCD_INITIAL_CLUSTER_STATE=new",
            existingLine: "ETCD_INITIAL_CLUSTER_STATE=existing",
        },
        "etcd.yaml (static pod)": {
            member: SP.member,
            text: renderStaticPod(SP.member),
            newLine: "    - --initial-cluster-state=new",
            existingLine: "    - --initial-cluster-state=existing",
        },
    };

    for (const [label, r] of Object.entries(render)) {
        /** The member with its config file in a temp dir, and the options pointing there. */
        const setup = (markerContent: string | undefined): { file: string; marker: string; script: (t: string) => string; boot: (t: string) => string } => {
            const dir = tempDir("mark");
            const file = path.join(dir, "config");
            const marker = path.join(dir, "marker");
            fs.writeFileSync(file, r.text, { mode: 0o640 });
            fs.chmodSync(file, 0o640);
            if (markerContent !== undefined) fs.writeFileSync(marker, markerContent);
            const member: EtcdMember = { ...r.member, paths: { ...r.member.paths, configFile: r.member.paths.configFile && file, envFile: r.member.paths.envFile && file } };
            const paths = { marker, stagedManifest: file };
            return { file, marker, script: (t) => markExistingScript(member, t, paths), boot: (t) => markBootstrappedScript(member, t, paths) };
        };

        it(`${label}: the render holds exactly one "new" line`, () => {
            assert.equal(r.text.split("\n").filter((l) => l === r.newLine).length, 1);
            assert.equal(r.text.split("\n").filter((l) => l.includes("initial-cluster-state") || l.includes("INITIAL_CLUSTER_STATE")).length, 1);
        });

        it(`${label}: marker holds the token → exactly that line turns existing, mode kept, idempotent`, () => {
            const s = setup(`${TOKEN}\n`);
            const expected = r.text.replace(`${r.newLine}\n`, `${r.existingLine}\n`);
            assert.notEqual(expected, r.text);
            const first = sh(s.script(TOKEN));
            assert.deepEqual(first, { status: 0, stdout: "", stderr: "" });
            assert.equal(fs.readFileSync(s.file, "utf8"), expected);
            assert.equal(modeOf(s.file), "0640");
            assert.deepEqual(sh(s.script(TOKEN)), { status: 0, stdout: "", stderr: "" });
            assert.equal(fs.readFileSync(s.file, "utf8"), expected);
        });

        it(`${label}: marker of another cluster, or no marker → file unchanged`, () => {
            for (const content of ["etcd-ffffffffffffffffffffffffffffffff\n", `${TOKEN}x\n`, "", undefined]) {
                const s = setup(content);
                assert.deepEqual(sh(s.script(TOKEN)), { status: 0, stdout: "", stderr: "" }, String(content));
                assert.equal(fs.readFileSync(s.file, "utf8"), r.text, String(content));
            }
        });

        it(`${label}: a missing config file is not created`, () => {
            const s = setup(`${TOKEN}\n`);
            fs.rmSync(s.file);
            assert.deepEqual(sh(s.script(TOKEN)), { status: 0, stdout: "", stderr: "" });
            assert.equal(fs.existsSync(s.file), false);
        });

        it(`${label}: markBootstrappedScript writes the marker (0644) and flips the file`, () => {
            const s = setup(undefined);
            assert.deepEqual(sh(s.boot(TOKEN)), { status: 0, stdout: "", stderr: "" });
            assert.equal(fs.readFileSync(s.marker, "utf8"), `${TOKEN}\n`);
            assert.equal(modeOf(s.marker), "0644");
            assert.equal(fs.readFileSync(s.file, "utf8"), r.text.replace(`${r.newLine}\n`, `${r.existingLine}\n`));
        });
    }
});

// --- rollScript against recording shims -------------------------------------------------------

interface Shims {
    dir: string;
    /** Calls recorded so far, one `name args` line each. */
    calls(): string[];
    /** Run a script with the shims first on PATH. */
    run(script: string): Run;
}

/**
 * A dir of fake commands. `etcdctl` and `curl` succeed or fail per check kind ("cluster" for the
 * other members, "member" for the member's own loopback check) as `<kind>-failures` says: a count
 * of failures before success, or `always`. `pgrep` reports etcd as pid 100 until `mv` (the
 * manifest activation) ran, then 200; after `rm` and before `mv` it finds no etcd. `cmp` exits
 * with `cmp-rc`. Everything else only records.
 */
function makeShims(state: { cluster: string; member: string; cmp?: number }): Shims {
    const dir = tempDir("shims");
    const log = path.join(dir, "calls");
    fs.writeFileSync(log, "");
    fs.writeFileSync(path.join(dir, "cluster-failures"), state.cluster);
    fs.writeFileSync(path.join(dir, "member-failures"), state.member);
    fs.writeFileSync(path.join(dir, "cmp-rc"), String(state.cmp ?? 1));
    const write = (name: string, body: string): void => {
        fs.writeFileSync(path.join(dir, name), `#!/bin/sh\nprintf '%s\\n' "${name} $*" >> "$SHIM_DIR/calls"\n${body}\n`, { mode: 0o755 });
    };
    const outcome = [
        `n=$(cat "$SHIM_DIR/$kind-failures")`,
        `[ "$n" != always ] || exit 1`,
        `if [ "$n" -gt 0 ]; then echo $((n - 1)) > "$SHIM_DIR/$kind-failures"; exit 1; fi`,
        "exit 0",
    ].join("\n");
    // `member list` answers from the `members` file (the dev stack's three voters).
    write("etcdctl", `case "$*" in *"member list -w simple") cat "$SHIM_DIR/members"; exit 0 ;; esac\ncase "$*" in *--endpoints=https://127.0.0.1:2379\\ *) kind=member ;; *) kind=cluster ;; esac\n${outcome}`);
    fs.writeFileSync(path.join(dir, "members"), [1, 2, 3].map((i) => `${i}a, started, h${i}, https://10.213.0.1${i}:2380, https://10.213.0.1${i}:2379, false\n`).join(""));
    fs.writeFileSync(path.join(dir, "profile.sh"), `export ETCDCTL_ENDPOINTS=${SD_ALL}\n`);
    write("curl", `case "$*" in *:2381/*) kind=member ;; *) kind=cluster ;; esac\n${outcome}`);
    write("pgrep", [
        `if [ -f "$SHIM_DIR/mv-done" ]; then echo 200; exit 0; fi`,
        `if [ -f "$SHIM_DIR/rm-done" ]; then exit 1; fi`,
        "echo 100",
    ].join("\n"));
    write("cmp", `exit "$(cat "$SHIM_DIR/cmp-rc")"`);
    write("mv", `: > "$SHIM_DIR/mv-done"`);
    write("rm", `: > "$SHIM_DIR/rm-done"`);
    for (const name of ["systemctl", "journalctl", "sleep", "mkdir", "install", "tail"]) write(name, "exit 0");
    return {
        dir,
        calls: () => fs.readFileSync(log, "utf8").split("\n").filter((l) => l !== ""),
        run: (script) => sh(script, { PATH: `${dir}:/usr/local/bin:/usr/bin:/bin`, SHIM_DIR: dir }),
    };
}

describe("startScript under /bin/sh with recording shims", () => {
    const ACTIVATE_CALLS = (manifest: string): string[] => [
        `mkdir -p ${path.dirname(manifest)}`,
        `install -m 0600 -o root -g root /etc/kubernetes/etcdhosts/etcd.yaml ${path.dirname(manifest)}/.etcd.yaml.tmp`,
        `mv -f ${path.dirname(manifest)}/.etcd.yaml.tmp ${manifest}`,
    ];
    function member(): { member: EtcdMember; manifest: string } {
        const manifest = path.join(tempDir("manifests"), "etcd.yaml");
        return { member: { ...SP.member, paths: { ...SP.member.paths, manifestFile: manifest } }, manifest };
    }

    it("static pod: activates the staged manifest when there is none yet", () => {
        const shims = makeShims({ cluster: "0", member: "0" });
        const m = member();
        assert.deepEqual(shims.run(startScript(m.member)), { status: 0, stdout: "", stderr: "" });
        assert.deepEqual(shims.calls(), ACTIVATE_CALLS(m.manifest));
    });

    it("static pod: re-run on a running member (the provider re-runs create on any input change) touches nothing", () => {
        const shims = makeShims({ cluster: "0", member: "0" });
        const m = member();
        fs.writeFileSync(m.manifest, "live\n");
        assert.deepEqual(shims.run(startScript(m.member)), { status: 0, stdout: "", stderr: "" });
        assert.deepEqual(shims.calls(), []);
        assert.equal(fs.readFileSync(m.manifest, "utf8"), "live\n");
    });

    it("systemd: the unit commands, whose start is a no-op for an active unit", () => {
        const shims = makeShims({ cluster: "0", member: "0" });
        assert.deepEqual(shims.run(startScript(SD.member)), { status: 0, stdout: "", stderr: "" });
        assert.deepEqual(shims.calls(), ["systemctl daemon-reload", "systemctl enable --no-reload etcd.service", "systemctl start --no-block etcd.service"]);
    });
});

describe("rollScript under /bin/sh with recording shims", () => {
    const FAST = { precheckSeconds: 3, memberSeconds: 3 };

    /** A systemd member whose etcdctl is the shim (a `preinstalled` install in the shim dir). */
    function systemdRoll(shims: Shims): string {
        const cfg = parseWith({ installMethod: "preinstalled", etcdPath: `${shims.dir}/etcd` });
        const built = buildMember(cfg, "h1", NEW);
        const member = { ...built, paths: { ...built.paths, etcdctlProfile: `${shims.dir}/profile.sh` } };
        assert.equal(member.binaries.etcdctl, `${shims.dir}/etcdctl`);
        return rollScript(member, clientEndpoints(buildMembers(cfg, NEW)), "FP", FAST);
    }
    // One pre-check: the member list through the profile's endpoints, then the other voters' health.
    const OTHERS_CHECK = [`etcdctl --endpoints=${SD_ALL} ${ETC_TLS} member list -w simple`, `etcdctl --endpoints=${SD_OTHERS} ${ETC_TLS} endpoint health`];
    const SELF_CHECK = `etcdctl --endpoints=https://127.0.0.1:2379 ${ETC_TLS} endpoint health`;

    it("systemd: refuses (exit 1, names the member) while another member is unhealthy; never restarts", () => {
        const shims = makeShims({ cluster: "always", member: "0" });
        const r = shims.run(systemdRoll(shims));
        assert.equal(r.status, 1);
        assert.equal(r.stderr, "etcdhosts: refusing to restart member h1: the other members are not all healthy\n");
        assert.deepEqual(shims.calls(), [...OTHERS_CHECK, "sleep 1", ...OTHERS_CHECK, "sleep 1", ...OTHERS_CHECK]);
    });

    it("systemd: waits for the others, restarts, then waits until the member answers", () => {
        const shims = makeShims({ cluster: "1", member: "2" });
        const r = shims.run(systemdRoll(shims));
        assert.deepEqual(r, { status: 0, stdout: "", stderr: "" });
        assert.deepEqual(shims.calls(), [
            ...OTHERS_CHECK,
            "sleep 1",
            ...OTHERS_CHECK,
            "systemctl daemon-reload",
            "systemctl restart etcd.service",
            SELF_CHECK,
            "sleep 1",
            SELF_CHECK,
            "sleep 1",
            SELF_CHECK,
        ]);
    });

    it("systemd: fails naming the member after the timeout, with the unit's journal", () => {
        const shims = makeShims({ cluster: "0", member: "always" });
        const r = shims.run(systemdRoll(shims));
        assert.equal(r.status, 1);
        assert.equal(r.stderr, "etcdhosts: member h1 is not healthy 3s after its restart\n");
        assert.deepEqual(shims.calls(), [
            ...OTHERS_CHECK,
            "systemctl daemon-reload",
            "systemctl restart etcd.service",
            SELF_CHECK,
            "sleep 1",
            SELF_CHECK,
            "sleep 1",
            SELF_CHECK,
            "journalctl -u etcd.service -n 30 --no-pager",
        ]);
    });

    it("single member (pc-master shape): no pre-check, so a member that is down can still be rolled", () => {
        const shims = makeShims({ cluster: "always", member: "0" });
        const cfg = parseWith({ layout: "pc-master", nodes: [{ name: "solo", address: "10.0.0.5" }], installMethod: "preinstalled", etcdPath: `${shims.dir}/etcd` });
        const member = buildMember(cfg, "solo", NEW);
        const r = shims.run(rollScript(member, clientEndpoints([member]), "FP", FAST));
        assert.deepEqual(r, { status: 0, stdout: "", stderr: "" });
        assert.deepEqual(shims.calls(), ["systemctl daemon-reload", "systemctl restart etcd.service", SELF_CHECK]);
    });

    const SP_OTHER = (ip: string): string =>
        `curl -sS --fail --max-time 5 --cacert /etc/kubernetes/pki/etcd/ca.crt --cert /etc/kubernetes/pki/etcd/healthcheck-client.crt --key /etc/kubernetes/pki/etcd/healthcheck-client.key -o /dev/null https://${ip}:2379/health`;
    const SP_SELF = "curl -sS --fail --max-time 5 -o /dev/null http://127.0.0.1:2381/readyz";
    const SP_ACTIVATE_CALLS = [
        "mkdir -p /etc/kubernetes/manifests",
        "install -m 0600 -o root -g root /etc/kubernetes/etcdhosts/etcd.yaml /etc/kubernetes/manifests/.etcd.yaml.tmp",
        "mv -f /etc/kubernetes/manifests/.etcd.yaml.tmp /etc/kubernetes/manifests/etcd.yaml",
    ];

    it("static pod: a changed manifest is activated; waits for a new etcd pid, then /readyz", () => {
        const shims = makeShims({ cluster: "0", member: "1", cmp: 1 });
        const r = shims.run(rollScript(SP.member, SP.endpoints, "FP", FAST));
        assert.deepEqual(r, { status: 0, stdout: "", stderr: "" });
        assert.deepEqual(shims.calls(), [
            SP_OTHER("10.240.0.12"),
            SP_OTHER("10.240.0.13"),
            "pgrep -x etcd",
            "cmp -s /etc/kubernetes/etcdhosts/etcd.yaml /etc/kubernetes/manifests/etcd.yaml",
            ...SP_ACTIVATE_CALLS,
            "pgrep -x etcd",
            "pgrep -x etcd",
            SP_SELF,
            "sleep 1",
            SP_SELF,
        ]);
    });

    it("static pod: an unchanged manifest (CA-only change, retried roll) is taken away first, so the kubelet really restarts etcd", () => {
        const shims = makeShims({ cluster: "0", member: "0", cmp: 0 });
        const r = shims.run(rollScript(SP.member, SP.endpoints, "FP", FAST));
        assert.deepEqual(r, { status: 0, stdout: "", stderr: "" });
        assert.deepEqual(shims.calls(), [
            SP_OTHER("10.240.0.12"),
            SP_OTHER("10.240.0.13"),
            "pgrep -x etcd",
            "cmp -s /etc/kubernetes/etcdhosts/etcd.yaml /etc/kubernetes/manifests/etcd.yaml",
            "rm -f /etc/kubernetes/manifests/etcd.yaml",
            "pgrep -x etcd",
            ...SP_ACTIVATE_CALLS,
            "pgrep -x etcd",
            "pgrep -x etcd",
            SP_SELF,
        ]);
    });

    it("static pod: refuses while another member is unhealthy, before touching the manifest", () => {
        const shims = makeShims({ cluster: "always", member: "0" });
        const r = shims.run(rollScript(SP.member, SP.endpoints, "FP", FAST));
        assert.equal(r.status, 1);
        assert.equal(r.stderr, "etcdhosts: refusing to restart member master1: the other members are not all healthy\n");
        // The first failing curl ends each `&&` chain.
        assert.deepEqual(shims.calls(), [SP_OTHER("10.240.0.12"), "sleep 1", SP_OTHER("10.240.0.12"), "sleep 1", SP_OTHER("10.240.0.12")]);
    });

    it("static pod: fails naming the member when it never answers, with the pod logs", () => {
        const shims = makeShims({ cluster: "0", member: "always", cmp: 1 });
        const r = shims.run(rollScript(SP.member, SP.endpoints, "FP", FAST));
        assert.equal(r.status, 1);
        assert.equal(r.stderr, "etcdhosts: member master1 is not healthy 3s after its restart\n");
        const calls = shims.calls();
        assert.deepEqual(calls.slice(-6), [SP_SELF, "sleep 1", SP_SELF, "sleep 1", SP_SELF, "tail -n 30 /var/log/pods/*etcd*/*/*.log"]);
    });
});
