import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";

const config = new pulumi.Config();
const hold = config.requireNumber("holdSeconds");
const version = config.require("version");

// Sleeps first, so that the stack's lock is held while the command runs.
const held = new command.local.Command("held", {
    create: `sleep ${hold}; echo created-${version}`,
    triggers: [version],
});

export const stdout = held.stdout;
