package remote

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"
)

// sftpUpload copies the local file or directory src to dst on the server,
// with upstream's placement rules:
//
//	source | dst is a directory   | dst does not exist | dst is a file
//	-------+----------------------+--------------------+------------------
//	dir    | dst/dir              | dst/dir            | error
//	dir/   | dst/<entries of dir> | dst/<entries>      | error
//	file   | dst/file             | dst                | dst (overwritten)
func sftpUpload(client *ssh.Client, src, dst string) error {
	sc, err := sftp.NewClient(client)
	if err != nil {
		return fmt.Errorf("start SFTP: %w", err)
	}
	defer sc.Close()

	srcInfo, err := os.Stat(src)
	if err != nil {
		return err
	}
	dstInfo, err := remoteStat(sc, dst)
	if err != nil {
		return err
	}

	if !srcInfo.IsDir() {
		if dstInfo != nil && dstInfo.IsDir() {
			dst = path.Join(dst, filepath.Base(src))
		}
		return uploadFile(sc, src, dst)
	}

	if dstInfo != nil && !dstInfo.IsDir() {
		return fmt.Errorf("remote path %s exists but is not a directory", dst)
	}
	if err := ensureRemoteDir(sc, dst); err != nil {
		return err
	}
	// "dir" lands inside dst as dst/dir; "dir/" spreads its entries into dst.
	if !strings.HasSuffix(src, "/") {
		dst = path.Join(dst, filepath.Base(src))
		if err := ensureRemoteDir(sc, dst); err != nil {
			return err
		}
	}
	return uploadTree(sc, src, dst)
}

// remoteStat returns nil, nil when path does not exist.
func remoteStat(sc *sftp.Client, p string) (fs.FileInfo, error) {
	info, err := sc.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("stat remote path %s: %w", p, err)
	}
	return info, nil
}

func ensureRemoteDir(sc *sftp.Client, dir string) error {
	info, err := remoteStat(sc, dir)
	if err != nil {
		return err
	}
	if info == nil {
		if err := sc.Mkdir(dir); err != nil {
			return fmt.Errorf("create remote directory %s: %w", dir, err)
		}
		return nil
	}
	if !info.IsDir() {
		return fmt.Errorf("remote path %s exists but is not a directory", dir)
	}
	return nil
}

func uploadTree(sc *sftp.Client, src, dst string) error {
	return filepath.WalkDir(src, func(local string, entry fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, local)
		if err != nil {
			return err
		}
		remote := path.Join(dst, filepath.ToSlash(rel))
		if entry.IsDir() {
			return ensureRemoteDir(sc, remote)
		}
		return uploadFile(sc, local, remote)
	})
}

// uploadFile writes one file. Like upstream it sets no mode: a new file gets
// the SFTP server's default, and an existing file keeps its mode.
func uploadFile(sc *sftp.Client, src, dst string) error {
	local, err := os.Open(src)
	if err != nil {
		return err
	}
	defer local.Close()
	remote, err := sc.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC)
	if err != nil {
		return fmt.Errorf("create remote file %s: %w", dst, err)
	}
	if _, err := remote.ReadFrom(local); err != nil {
		_ = remote.Close()
		return fmt.Errorf("copy %s to remote path %s: %w", src, dst, err)
	}
	if err := remote.Close(); err != nil {
		return fmt.Errorf("close remote file %s: %w", dst, err)
	}
	return nil
}
