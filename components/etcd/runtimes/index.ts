// The registry of runtimes, keyed by the name a layout spec gives (layouts/spec.ts `runtime`).

import type { Runtime } from "../layouts";
import { layoutSpec } from "../layouts";
import type { MemberPlan } from "../member";
import { kubeletPodRuntime } from "./kubeletPod";
import type { RuntimeScripts } from "./runtime";
import { systemdUnitRuntime } from "./systemdUnit";

export type { RuntimeScripts } from "./runtime";

const RUNTIMES: Readonly<Record<Runtime, RuntimeScripts>> = {
    systemd: systemdUnitRuntime,
    "static-pod": kubeletPodRuntime,
};

/** How a member runs: its layout's runtime. */
export function runtimeOf(member: Pick<MemberPlan, "layout">): Runtime {
    return layoutSpec(member.layout).runtime;
}

/** The scripts of a member's runtime. */
export function runtimeScripts(member: Pick<MemberPlan, "layout">): RuntimeScripts {
    return RUNTIMES[runtimeOf(member)];
}
