// Where a `pulumi up` spent its time, from engine events (bench/lib/events.ts).

import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { EventRecorder, TimedEvent, breakdown, categorize, resourceTimings } from "../../bench/lib/events";

const PARENT = "etcdhosts:etcd:EtcdCluster$etcdhosts:etcd:EtcdMemberService";
const urn = (type: string, name: string) => `urn:pulumi:bench-up-1::etcdhosts::${PARENT}$${type}::${name}`;
const CMD = "command:remote:Command";

/** A pre and an outputs event per step: [type, name, start, end]. */
function steps(list: [string, string, number, number][], op = "create"): TimedEvent[] {
    return list
        .flatMap(([type, name, start, end]): TimedEvent[] => [
            { t: start, kind: "pre", urn: urn(type, name), type, op },
            { t: end, kind: "out", urn: urn(type, name), type, op },
        ])
        .sort((a, b) => a.t - b.t);
}

const coldUp: TimedEvent[] = [
    { t: 500, kind: "prelude" },
    { t: 1000, kind: "pre", urn: "urn:pulumi:bench-up-1::etcdhosts::pulumi:pulumi:Stack::etcdhosts-bench-up-1", type: "pulumi:pulumi:Stack", op: "create" },
    ...steps([
        ["etcdhosts:etcd:EtcdCluster", "etcd", 3000, 9600],
        ["pulumi:providers:tls", "default_5_3_1", 3100, 3110],
        ["tls:index/privateKey:PrivateKey", "etcd-ca-key", 3200, 3500],
        ["tls:index/selfSignedCert:SelfSignedCert", "etcd-ca-cert", 3500, 3700],
        [CMD, "etcd-h1-host-wait-ssh", 3300, 4000],
        ["command:remote:CopyToRemote", "etcd-h1-host-stage-etcd", 4000, 5000],
        [CMD, "etcd-h1-host-install", 5000, 6000],
        [CMD, "etcd-h1-pki-write", 6000, 7000],
        [CMD, "etcd-h1-start", 7000, 8000],
        [CMD, "etcd-h1-roll", 8000, 8100],
        [CMD, "etcd-health", 8100, 9000],
        [CMD, "etcd-h1-bootstrapped", 9000, 9500],
    ]),
    { t: 9700, kind: "summary" },
];

describe("categorize", () => {
    it("sorts the product's steps by their child names", () => {
        assert.equal(categorize("pulumi:pulumi:Stack", "x"), undefined);
        assert.equal(categorize("etcdhosts:remote:HostPreparation", "etcd-h1-host"), undefined);
        assert.equal(categorize("pulumi:providers:command", "default_1_2_1"), "providers");
        assert.equal(categorize("tls:index/locallySignedCert:LocallySignedCert", "etcd-members-h1-peer-cert"), "keys-certs");
        assert.equal(categorize("random:index/randomId:RandomId", "etcd-token"), "token");
        assert.equal(categorize("command:local:Command", "etcd-h1-host-clock"), "host-prep");
        assert.equal(categorize(CMD, "etcd-h1-config-write"), "files");
        assert.equal(categorize(CMD, "etcd-h1-cluster-state"), "files");
        assert.equal(categorize(CMD, "etcd-h1-start"), "start");
        assert.equal(categorize(CMD, "etcd-h1-roll"), "roll");
        assert.equal(categorize(CMD, "etcd-health"), "gate");
        assert.equal(categorize(CMD, "etcd-h1-bootstrapped"), "bootstrap");
        assert.equal(categorize(CMD, "something-else"), "other");
    });
});

describe("resourceTimings", () => {
    it("pairs each step's pre event with its outputs or failure, per URN and operation", () => {
        const events: TimedEvent[] = [
            { t: 10, kind: "pre", urn: urn(CMD, "etcd-h1-start"), type: CMD, op: "delete-replaced" },
            { t: 20, kind: "pre", urn: urn(CMD, "etcd-h2-start"), type: CMD, op: "create" },
            { t: 30, kind: "out", urn: urn(CMD, "etcd-h1-start"), type: CMD, op: "delete-replaced" },
            { t: 35, kind: "pre", urn: urn(CMD, "etcd-h1-start"), type: CMD, op: "create-replacement" },
            { t: 50, kind: "failed", urn: urn(CMD, "etcd-h2-start"), type: CMD, op: "create" },
        ];
        assert.deepEqual(
            resourceTimings(events).map((r) => [r.name, r.op, r.start, r.end, r.failed]),
            [
                ["etcd-h1-start", "delete-replaced", 10, 30, false],
                ["etcd-h2-start", "create", 20, 50, true],
                ["etcd-h1-start", "create-replacement", 35, null, false],
            ],
        );
    });
});

describe("breakdown", () => {
    const b = breakdown(coldUp, 10_000, 3);
    it("times the start-up to the program's first resource, not to the stack's", () => {
        assert.equal(b.cliMs, 500);
        assert.equal(b.stackMs, 1000);
        assert.equal(b.startupMs, 3000);
    });
    it("spans each category from its first start to its last end, and sums its steps", () => {
        assert.deepEqual(b.spans["keys-certs"], { start: 3200, end: 3700, ms: 500, busyMs: 500, steps: 2 });
        assert.deepEqual(b.spans["host-prep"], { start: 3300, end: 6000, ms: 2700, busyMs: 2700, steps: 3 });
        assert.equal(b.spans.files?.ms, 1000);
    });
    it("derives start to healthy, the gate and the tail", () => {
        assert.equal(b.startToHealthyMs, 2000);
        assert.equal(b.gateMs, 900);
        assert.equal(b.tailMs, 500);
        assert.equal(b.totalMs, 10_000);
    });
    it("lists the slowest steps and counts the operations (providers aside)", () => {
        assert.deepEqual(b.slowest.map((s) => s.name), ["etcd-h1-host-stage-etcd", "etcd-h1-host-install", "etcd-h1-pki-write"]);
        assert.deepEqual(b.ops, { create: 10 });
    });
    it("has nothing to say about what didn't happen", () => {
        const empty = breakdown([{ t: 100, kind: "prelude" }], 900);
        assert.deepEqual([empty.stackMs, empty.startupMs, empty.startToHealthyMs, empty.gateMs, empty.tailMs], [null, null, null, null, null]);
    });
});

describe("EventRecorder", () => {
    it("keeps the events the breakdown needs, timed against the spawn", () => {
        const spawn = performance.now();
        const rec = new EventRecorder(() => spawn);
        const metadata = { urn: urn(CMD, "etcd-health"), type: CMD, op: "create" };
        rec.onEvent({ preludeEvent: { config: {} } } as unknown as EngineEvent);
        rec.onEvent({ resourcePreEvent: { metadata } } as unknown as EngineEvent);
        rec.onEvent({ resOutputsEvent: { metadata } } as unknown as EngineEvent);
        rec.onEvent({ diagnosticEvent: { message: "x" } } as unknown as EngineEvent);
        assert.deepEqual(rec.events.map((e) => [e.kind, e.urn]), [["prelude", undefined], ["pre", metadata.urn], ["out", metadata.urn]]);
        assert.ok(rec.events.every((e) => e.t >= 0));
    });
});
