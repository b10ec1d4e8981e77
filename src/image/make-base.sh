#!/usr/bin/env bash
# Makes the base image of Wharf's container image (docs/image.md) without pulling anything: a Java runtime cut
# from the local JDK with jlink, the few Debian shared libraries it links against, and the files a JVM expects
# (/etc/passwd with the wharf user, /tmp, CA certificates). The result is a `docker save` tarball that Jib reads
# as `tar://OUT/base.tar`, and `docker load -i OUT/base.tar` imports as wharf-base:latest.
#
#   src/image/make-base.sh JDK_HOME OUT_DIR
#
# JDK_HOME must have jmods/ (Debian: openjdk-17-jdk-headless). Two layers: the system files, then the runtime in
# /opt/java/openjdk. Files are owned by root with fixed times, so the same JDK and libraries give the same
# digests; /var/lib/wharf (the data volume) is owned by the wharf user. Skipped when OUT_DIR/base.tar was made
# from the same inputs.
set -euo pipefail

jdk=${1:?usage: make-base.sh JDK_HOME OUT_DIR}
out=${2:?usage: make-base.sh JDK_HOME OUT_DIR}
uid=10001
gid=10001
# What Wharf needs (jdeps on the shaded jar), less java.desktop and java.compiler (reached only through optional
# paths: Jackson's java.beans helpers, SnakeYAML's bean introspector, Vert.x's source verticles), plus the
# providers no jdeps sees: jdk.crypto.ec (TLS with EC keys) and jdk.naming.dns.
modules=java.base,java.logging,java.management,java.naming,java.security.jgss,java.sql,java.xml,jdk.crypto.ec,jdk.jfr,jdk.management,jdk.naming.dns,jdk.unsupported
# Loaded by JNI libraries inside Wharf's jars (netty-tcnative's BoringSSL), not by the JVM itself.
extra_libs="librt.so.1 libpthread.so.0 libdl.so.2"
runtime=opt/java/openjdk
epoch=${SOURCE_DATE_EPOCH:-1}

if [ ! -x "$jdk/bin/jlink" ] || [ ! -d "$jdk/jmods" ]; then
  echo "make-base.sh: $jdk has no bin/jlink or no jmods/ (Debian: apt-get install openjdk-17-jdk-headless)" >&2
  exit 1
fi
for tool in ldd sha256sum tar; do
  command -v "$tool" >/dev/null || { echo "make-base.sh: $tool not found" >&2; exit 1; }
done

mkdir -p "$out"
out=$(cd "$out" && pwd)
# The inputs: this script, the JDK (its release file and jmods) and the host's libraries (by package version).
stamp=$( { cat "$0"; cat "$jdk/release"; ls -l --time-style=+%s "$jdk/jmods"; dpkg-query -W 2>/dev/null | sort; } | sha256sum | cut -c1-64)
if [ -f "$out/base.tar" ] && [ "$(cat "$out/base.stamp" 2>/dev/null)" = "$stamp" ]; then
  echo "make-base.sh: $out/base.tar is up to date"
  exit 0
fi

work="$out/work"
rm -rf "$work" "$out/base.tar" "$out/base.stamp"
system="$work/system"
java="$work/java"
mkdir -p "$system" "$java/opt/java"

echo "make-base.sh: jlink $modules"
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
  --output "$java/$runtime"
# Debian's cacerts is a link into ca-certificates-java; the runtime gets the file itself.
cacerts=$(readlink -f "$jdk/lib/security/cacerts" || true)
if [ -f "$cacerts" ]; then
  cp "$cacerts" "$java/$runtime/lib/security/cacerts"
fi

# The shared libraries: whatever the runtime's programs and libraries resolve to here, at the same paths, and
# the program interpreter (ld.so).
package_of() {
  { dpkg -S "$1" 2>/dev/null || dpkg -S "$(readlink -f "$1")" 2>/dev/null || true; } | head -1 | cut -d: -f1
}
copy_lib() {
  local path=$1
  [ -e "$system$path" ] && return 0
  mkdir -p "$system$(dirname "$path")"
  cp -L "$path" "$system$path"
  packages="$packages $(package_of "$path")"
}
packages=""
interp=$(LC_ALL=C readelf -l "$java/$runtime/bin/java" 2>/dev/null | sed -n 's/.*interpreter: \(.*\)]/\1/p' || true)
interp=${interp:-/lib64/ld-linux-x86-64.so.2}
copy_lib "$interp"
while read -r lib; do
  copy_lib "$lib"
done < <(find "$java/$runtime" -type f \( -name '*.so' -o -perm -u+x \) -exec ldd {} \; 2>/dev/null \
  | awk -v own="$java/" '$2 == "=>" && $3 ~ /^\// && index($3, own) != 1 {print $3}' | sort -u)
for soname in $extra_libs; do
  lib=$(ldconfig -p | awk -v n="$soname" '$1 == n && /x86-64/ {print $NF; exit}')
  [ -n "$lib" ] || { echo "make-base.sh: $soname not found" >&2; exit 1; }
  copy_lib "$lib"
done
# C.UTF-8, so that the JVM reads and writes file names and logs as UTF-8 (LANG below).
if [ -d /usr/lib/locale/C.utf8 ]; then
  mkdir -p "$system/usr/lib/locale"
  cp -r /usr/lib/locale/C.utf8 "$system/usr/lib/locale/"
  packages="$packages libc-bin"
fi

# The Debian packages the files came from: their copyright files, and their control records in
# /var/lib/dpkg/status.d/ (distroless's layout), so that image scanners know the versions.
packages=$(echo "$packages" "$(package_of "$jdk/jmods")" "$(package_of "$cacerts")" | tr ' ' '\n' | grep -v '^$' | sort -u || true)
mkdir -p "$system/var/lib/dpkg/status.d"
for name in $packages; do
  dpkg-query -s "$name" > "$system/var/lib/dpkg/status.d/$name" 2>/dev/null || rm -f "$system/var/lib/dpkg/status.d/$name"
  if [ -f "/usr/share/doc/$name/copyright" ]; then
    mkdir -p "$system/usr/share/doc/$name"
    cp "/usr/share/doc/$name/copyright" "$system/usr/share/doc/$name/copyright"
  fi
done

mkdir -p "$system/etc" "$system/tmp" "$system/app" "$system/etc/wharf" "$system/var/lib/wharf"
chmod 1777 "$system/tmp"
chmod 755 "$system/app" "$system/etc/wharf"
chmod 750 "$system/var/lib/wharf"
cat > "$system/etc/passwd" <<EOF
root:x:0:0:root:/root:/sbin/nologin
wharf:x:$uid:$gid:Wharf:/var/lib/wharf:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
EOF
cat > "$system/etc/group" <<EOF
root:x:0:
wharf:x:$gid:
nogroup:x:65534:
EOF
cat > "$system/etc/nsswitch.conf" <<EOF
passwd: files
group: files
hosts: files dns
EOF
# The working directory: ./config/wharf.yaml, every command's default config file, is /etc/wharf/wharf.yaml.
ln -s /etc/wharf "$system/app/config"

# One layer tar per folder: root-owned, fixed times, sorted; /var/lib/wharf appended as the wharf user's.
layer() {
  local dir=$1 tarball=$2
  shift 2
  (cd "$dir" && find . -mindepth 1 -maxdepth 1 -printf '%P\n' | grep -v '^var$' | sort > "$work/entries" || true)
  tar -C "$dir" --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner --format=gnu \
    -cf "$tarball" -T "$work/entries"
  if [ -d "$dir/var" ]; then
    tar -C "$dir" --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner --format=gnu \
      --exclude=var/lib/wharf -rf "$tarball" var
    tar -C "$dir" --mtime="@$epoch" --owner="$uid" --group="$gid" --numeric-owner --format=gnu --no-recursion \
      -rf "$tarball" var/lib/wharf
  fi
}
image="$work/image"
mkdir -p "$image"
layer "$system" "$image/system.tar"
layer "$java" "$image/java.tar"
system_id=$(sha256sum "$image/system.tar" | cut -c1-64)
java_id=$(sha256sum "$image/java.tar" | cut -c1-64)
mv "$image/system.tar" "$image/$system_id.tar"
mv "$image/java.tar" "$image/$java_id.tar"
version=$(sed -n 's/^JAVA_VERSION="\(.*\)"/\1/p' "$java/$runtime/release")

cat > "$image/config.json" <<EOF
{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z",
 "config":{"User":"$uid:$gid","WorkingDir":"/app",
  "Env":["PATH=/$runtime/bin:/usr/bin:/bin","JAVA_HOME=/$runtime","LANG=C.UTF-8"],
  "Labels":{"org.opencontainers.image.title":"wharf-base","org.opencontainers.image.description":"Java runtime (jlink of $version: $modules) and Debian libraries for Wharf"}},
 "rootfs":{"type":"layers","diff_ids":["sha256:$system_id","sha256:$java_id"]},
 "history":[{"created":"1970-01-01T00:00:00Z","created_by":"src/image/make-base.sh: Debian libraries and system files"},
  {"created":"1970-01-01T00:00:00Z","created_by":"src/image/make-base.sh: jlink $version"}]}
EOF
config_id=$(sha256sum "$image/config.json" | cut -c1-64)
mv "$image/config.json" "$image/$config_id.json"
cat > "$image/manifest.json" <<EOF
[{"Config":"$config_id.json","RepoTags":["wharf-base:latest"],"Layers":["$system_id.tar","$java_id.tar"]}]
EOF
(cd "$image" && tar --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner -cf "$out/base.tar" -- *)
echo "$stamp" > "$out/base.stamp"
rm -rf "$work"
echo "make-base.sh: $out/base.tar ($(du -h "$out/base.tar" | cut -f1); runtime $version; libraries from:" $packages")"
