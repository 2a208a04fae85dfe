// Typed SSH connection arguments and their translation into the `connection` input of
// `@pulumi/command`'s remote resources.

import * as pulumi from "@pulumi/pulumi";
import type * as command from "@pulumi/command";

/** The `connection` input type of `remote.Command` / `remote.CopyToRemote`. */
export type RemoteConnection = command.types.input.remote.ConnectionArgs;

/** A bastion host to reach the target through. */
export interface SshProxyArgs {
    /** Bastion address (IP or DNS name). */
    host: pulumi.Input<string>;
    /** Bastion SSH port. Defaults to `22`. */
    port?: pulumi.Input<number>;
    /** Bastion user. Defaults to `root`. */
    user?: pulumi.Input<string>;
    /** Private key for the bastion, PEM/OpenSSH text. Always wrapped as a secret. Defaults to none. */
    privateKey?: pulumi.Input<string>;
    /** Password for the bastion. Always wrapped as a secret. Defaults to none. */
    password?: pulumi.Input<string>;
    /** Expected bastion host key. Defaults to none (the provider then skips host key checks). */
    hostKey?: pulumi.Input<string>;
}

/**
 * How to reach one host over SSH.
 *
 * `user` is a plain string, not an `Input`, because scripts branch on it (root runs them
 * directly, anyone else through `sudo -n`). Everything else is a value and may be an `Output`.
 *
 * The values arrive validated (the node inventory is checked by `parseClusterConfig`); nothing
 * here checks or defaults them again. Optional fields left out fall to the provider's behaviour.
 */
export interface SshConnectionArgs {
    /** Address to connect to (IP or DNS name). */
    host: pulumi.Input<string>;
    /** SSH port. */
    port: pulumi.Input<number>;
    /**
     * Login user. Any user but `root` gets every command wrapped in `sudo -n`, so it needs
     * passwordless sudo (`NOPASSWD`) and no `requiretty` rule (the provider allocates no terminal).
     */
    user: string;
    /**
     * Private key text (PEM or OpenSSH). Always wrapped with `pulumi.secret`, so even a key read
     * from disk with `fs.readFileSync` never lands in state in clear (pulumi-command#111).
     * Defaults to none (then `password` or the SSH agent is used).
     */
    privateKey?: pulumi.Input<string>;
    /** Passphrase of an encrypted `privateKey`. Always wrapped as a secret. Defaults to none. */
    privateKeyPassword?: pulumi.Input<string>;
    /** Login password. Always wrapped as a secret. Defaults to none. */
    password?: pulumi.Input<string>;
    /**
     * The host key the server must present, `<type> <base64>` (`ssh-ed25519 AAAA…`, the form of
     * a `*.pub` host key file). A server with another key fails the SSH handshake, before
     * authentication and before anything is sent. Required, so every caller decides: `undefined`
     * makes the provider accept any host key (the configuration's explicit lab opt-out only).
     */
    hostKey: pulumi.Input<string> | undefined;
    /** SSH agent socket path. Defaults to the provider's behaviour (`SSH_AUTH_SOCK` if set). */
    agentSocketPath?: pulumi.Input<string>;
    /** Bastion to connect through. Defaults to a direct connection. */
    proxy?: SshProxyArgs;
    /**
     * How many failed dials each command tolerates before it fails. Defaults to the provider's
     * `10`. `HostPreparation`'s first, wait-for-SSH step uses its own limit.
     */
    dialErrorLimit?: number;
    /** Seconds per dial attempt. Defaults to the provider's `15`. */
    perDialTimeout?: number;
}

/** Overrides for one resource's dialing behaviour. */
export interface DialOverrides {
    /** Failed dials tolerated. Defaults to the connection's value. */
    dialErrorLimit?: number;
    /** Seconds per dial attempt. Defaults to the connection's value. */
    perDialTimeout?: number;
}

/**
 * The `connection` input for `remote.Command` / `remote.CopyToRemote`. Credentials are wrapped
 * with `pulumi.secret`; fields left undefined are omitted so the provider applies its defaults.
 */
export function toRemoteConnection(connection: SshConnectionArgs, overrides: DialOverrides = {}): RemoteConnection {
    const out: RemoteConnection = { host: connection.host, port: connection.port, user: connection.user };
    if (connection.privateKey !== undefined) out.privateKey = pulumi.secret(connection.privateKey);
    if (connection.privateKeyPassword !== undefined) out.privateKeyPassword = pulumi.secret(connection.privateKeyPassword);
    if (connection.password !== undefined) out.password = pulumi.secret(connection.password);
    if (connection.hostKey !== undefined) out.hostKey = connection.hostKey;
    if (connection.agentSocketPath !== undefined) out.agentSocketPath = connection.agentSocketPath;
    const dialErrorLimit = overrides.dialErrorLimit ?? connection.dialErrorLimit;
    if (dialErrorLimit !== undefined) out.dialErrorLimit = dialErrorLimit;
    const perDialTimeout = overrides.perDialTimeout ?? connection.perDialTimeout;
    if (perDialTimeout !== undefined) out.perDialTimeout = perDialTimeout;
    if (connection.proxy !== undefined) {
        const p = connection.proxy;
        const proxy: command.types.input.remote.ProxyConnectionArgs = { host: p.host };
        if (p.port !== undefined) proxy.port = p.port;
        if (p.user !== undefined) proxy.user = p.user;
        if (p.privateKey !== undefined) proxy.privateKey = pulumi.secret(p.privateKey);
        if (p.password !== undefined) proxy.password = pulumi.secret(p.password);
        if (p.hostKey !== undefined) proxy.hostKey = p.hostKey;
        out.proxy = proxy;
    }
    return out;
}

/** `customTimeouts` bounding a resource's create, update and delete alike. */
export function allSteps(timeout: string): pulumi.CustomTimeouts {
    return { create: timeout, update: timeout, delete: timeout };
}
