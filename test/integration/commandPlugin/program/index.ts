// A minimal program over the `command` plugin: a remote.Command on the test's loopback sshd and
// a local.Command, both appending every step they run to a marker file so the test can see
// which commands ran, and in which order. `version` travels through stdin (the way the project
// passes values to hosts), `trigger` through triggers.
import * as pulumi from "@pulumi/pulumi";
import { local, remote } from "@pulumi/command";

const config = new pulumi.Config();
const markerDir = config.require("markerDir");
const remoteLog = `'${markerDir}/remote.log'`;
const localLog = `'${markerDir}/local.log'`;

const connection = {
    host: config.require("host"),
    port: config.requireNumber("port"),
    user: config.require("user"),
    privateKey: config.requireSecret("privateKey"),
    hostKey: config.require("hostKey"),
    dialErrorLimit: 3,
};

// Each step reads the version from stdin, records "<step>-<version>" and prints it.
function step(name: string, log: string): string {
    return `read -r version; echo "${name}-$version" >> ${log}; echo "${name}-$version"`;
}

const onHost = new remote.Command("onHost", {
    connection,
    create: step("create", remoteLog),
    update: step("update", remoteLog),
    delete: step("delete", remoteLog),
    stdin: config.require("version"),
    triggers: [config.require("trigger")],
});

const onRunner = new local.Command("onRunner", {
    create: step("create", localLog),
    update: step("update", localLog),
    delete: step("delete", localLog),
    stdin: config.require("version"),
    triggers: [config.require("trigger")],
});

export const remoteStdout = onHost.stdout;
export const localStdout = onRunner.stdout;
