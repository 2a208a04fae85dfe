package cmdresource

import "github.com/pulumi/pulumi-go-provider/infer"

// Output is what both Command resources keep of the last create or update.
type Output struct {
	Stdout string `pulumi:"stdout"`
	Stderr string `pulumi:"stderr"`
}

func (c *Output) Annotate(a infer.Annotator) {
	a.Describe(&c.Stdout, "The standard output of the command's process")
	a.Describe(&c.Stderr, "The standard error of the command's process")
}
