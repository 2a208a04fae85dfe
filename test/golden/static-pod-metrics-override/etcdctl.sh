# Managed by Pulumi (etcdhosts). Local edits are overwritten.
# etcdctl environment for member "master1".
export ETCDCTL_CACERT=/etc/kubernetes/pki/etcd/ca.crt
export ETCDCTL_CERT=/etc/kubernetes/pki/etcd/admin-client.crt
export ETCDCTL_KEY=/etc/kubernetes/pki/etcd/admin-client.key
export ETCDCTL_ENDPOINTS=https://10.240.0.11:2379,https://10.240.0.12:2379,https://10.240.0.13:2379
