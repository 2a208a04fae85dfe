package remote

import "github.com/pulumi/pulumi-go-provider/infer"

// Defaults shared by the target and the proxy connection, as in upstream's
// schema (and in the npm SDK's connectionArgsProvideDefaults).
const (
	defaultUser           = "root"
	defaultPort           = 22
	defaultDialErrorLimit = 10
	defaultPerDialTimeout = 15 // seconds
)

// Connection says how to reach a remote host over SSH. The whole object is
// secret wherever it is used (see the `provider:"secret"` tags).
type Connection struct {
	connectionBase
	Proxy *ProxyConnection `pulumi:"proxy,optional"`
}

// ProxyConnection says how to reach the bastion (jump) host that the target is
// reached through.
type ProxyConnection struct {
	connectionBase
}

// connectionBase holds the fields that the target and the proxy share.
type connectionBase struct {
	User               *string  `pulumi:"user,optional"`
	Password           *string  `pulumi:"password,optional"`
	Host               *string  `pulumi:"host"`
	Port               *float64 `pulumi:"port,optional"`
	PrivateKey         *string  `pulumi:"privateKey,optional"`
	PrivateKeyPassword *string  `pulumi:"privateKeyPassword,optional"`
	AgentSocketPath    *string  `pulumi:"agentSocketPath,optional"`
	DialErrorLimit     *int     `pulumi:"dialErrorLimit,optional"`
	PerDialTimeout     *int     `pulumi:"perDialTimeout,optional"`
	HostKey            *string  `pulumi:"hostKey,optional"`
}

func (c *Connection) Annotate(a infer.Annotator) {
	a.Describe(&c, "Instructions for how to connect to a remote endpoint.")
	a.Describe(&c.User, "The user that we should use for the connection.")
	a.Describe(&c.Password, "The password we should use for the connection.")
	a.Describe(&c.Host, "The address of the resource to connect to.")
	a.Describe(&c.Port, "The port to connect to. Defaults to 22.")
	a.Describe(&c.Proxy, "The connection settings for the bastion/proxy host.")
	annotateShared(a, &c.connectionBase)
}

func (c *ProxyConnection) Annotate(a infer.Annotator) {
	a.Describe(&c, "Instructions for how to connect to a remote endpoint via a bastion host.")
	a.Describe(&c.User, "The user that we should use for the connection to the bastion host.")
	a.Describe(&c.Password, "The password we should use for the connection to the bastion host.")
	a.Describe(&c.Host, "The address of the bastion host to connect to.")
	a.Describe(&c.Port, "The port of the bastion host to connect to.")
	annotateShared(a, &c.connectionBase)
}

// annotateShared describes the fields whose text and defaults are the same for
// the target and the proxy.
func annotateShared(a infer.Annotator, c *connectionBase) {
	a.SetDefault(&c.User, defaultUser)
	a.SetDefault(&c.Port, defaultPort)
	a.Describe(&c.PrivateKey, "The contents of an SSH key to use for the connection. "+
		"This takes preference over the password if provided.")
	a.Describe(&c.PrivateKeyPassword, "The password to use in case the private key is encrypted.")
	a.Describe(&c.AgentSocketPath, "SSH Agent socket path. Default to environment variable SSH_AUTH_SOCK if present.")
	a.Describe(&c.DialErrorLimit, "Max allowed errors on trying to dial the remote host. "+
		"-1 set count to unlimited. Default value is 10.")
	a.SetDefault(&c.DialErrorLimit, defaultDialErrorLimit)
	a.Describe(&c.PerDialTimeout, "Max number of seconds for each dial attempt. "+
		"0 implies no maximum. Default value is 15 seconds.")
	a.SetDefault(&c.PerDialTimeout, defaultPerDialTimeout)
	a.Describe(&c.HostKey, "The expected host key to verify the server's identity. "+
		"If not provided, the host key will be ignored.")
}
