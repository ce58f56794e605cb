#!/bin/sh
# Private apt state per Debian suite, under tests/vm/cache/apt/<suite>/. Never touches the host's apt state.
# usage: tests/vm/apt.sh SUITE update|download PKG...|cache ARGS...|depends PKG
set -eu
here=$(cd "$(dirname "$0")" && pwd)
CACHE=${VM_CACHE:-$here/cache}
suite=$1
shift
st=$CACHE/apt/$suite
mkdir -p "$st/lists/partial" "$st/cache/archives/partial" "$st/debs"
case $suite in
bullseye) sec="bullseye-security" ;;
*) sec="$suite-security" ;;
esac
if [ ! -s "$st/sources.list" ]; then
	{
		echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $suite main"
		echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $suite-updates main"
		echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian-security $sec main"
	} >"$st/sources.list"
fi
apt_() {
	apt-get -q -o Dir::Etc::SourceList="$st/sources.list" -o Dir::Etc::SourceParts=/dev/null \
		-o Dir::State::Lists="$st/lists" -o Dir::State::Status=/dev/null -o Dir::Cache="$st/cache" \
		-o Debug::NoLocking=1 -o APT::Architecture=amd64 -o Acquire::Retries=2 "$@"
}
cache_() {
	apt-cache -o Dir::Etc::SourceList="$st/sources.list" -o Dir::Etc::SourceParts=/dev/null \
		-o Dir::State::Lists="$st/lists" -o Dir::State::Status=/dev/null -o Dir::Cache="$st/cache" \
		-o APT::Architecture=amd64 "$@"
}
cmd=$1
shift
case $cmd in
update)
	# refresh at most once a day
	if [ -z "$(find "$st/lists" -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null | head -n1)" ]; then
		apt_ update >&2
	fi
	;;
download)
	(cd "$st/debs" && apt_ download "$@" >&2)
	;;
cache) cache_ "$@" ;;
*)
	echo "apt.sh: unknown command $cmd" >&2
	exit 2
	;;
esac
