// The registry of layouts: adding one is a new file beside this one and a line here.

import { pcMasterLayout } from "./pcMaster";
import type { LayoutSpec } from "./spec";
import { staticPodLayout } from "./staticPod";
import { systemdLayout } from "./systemd";

export type { ConfigSource, LayoutSpec, MemberPaths, Runtime, StateFile, TopologyInput } from "./spec";

/** Every layout by name, in documentation order; `Layout` (components/types.ts) is its keys. */
export const LAYOUT_SPECS = {
    "pc-master": pcMasterLayout,
    systemd: systemdLayout,
    "static-pod": staticPodLayout,
} as const satisfies Record<string, LayoutSpec>;

/** The spec of a layout. */
export function layoutSpec(layout: keyof typeof LAYOUT_SPECS): LayoutSpec {
    return LAYOUT_SPECS[layout];
}
