module etcdhosts.local/toolchain/images/pause

go 1.24
