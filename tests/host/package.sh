#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Installation: `make install` into a DESTDIR (exact file list, the unit's paths rewritten, an
# existing config kept, `uninstall`), then the Debian package as an operator gets it:
# `dpkg-buildpackage -us -uc -b` from a copy of the tree, lintian (every error is a failure),
# and install, upgrade (a locally modified conffile survives) and purge (nothing of ours is
# left but the epermd group) with dpkg in a chroot of tests/vm/mkrootfs.sh's Debian 12 root.
# systemd is not running in the chroot: the maintainer scripts must cope (no start, no fail).
# Leaves the built package in $OUTPUT/deb/ for tests/vm/systemd/e2e.sh.
#   PKG_KEEP=1   keep the scratch directory (its path is printed)
# tests/run.sh starts every host test with sh: this one needs bash
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib.sh"

need_root "package"
t0=$(date +%s)
t_tmpdir
R=""
if [ "${PKG_KEEP:-0}" = 1 ]; then
	trap '[ -z "$R" ] || umount -l "$R/proc" 2>/dev/null; echo "# kept $T_TMP" >&2' EXIT
fi

# missing_tool NAME: a skip on a developer machine, a failure in CI (install-deps.sh has them).
missing_tool() {
	if [ "${CI:-}" = true ]; then
		not_ok "package: $1 is not installed (scripts/install-deps.sh)"
		exit 1
	fi
	skip "package: $1 is not installed (sh scripts/install-deps.sh)"
	exit 0
}

# ---- make install / uninstall ----

# have_exactly DIR LIST: the regular files and symlinks under DIR are exactly LIST.
have_exactly() {
	(cd "$1" && find . \( -type f -o -type l \) | sed 's|^\./|/|' | sort) >"$T_TMP/have"
	printf '%s\n' $2 | sort >"$T_TMP/want"
	diff -u "$T_TMP/want" "$T_TMP/have" >"$T_TMP/diff" 2>&1
}

if [ ! -x "$OUTPUT/epermd" ] || [ ! -x "$OUTPUT/epermtop" ]; then
	not_ok "install: $OUTPUT/epermd or epermtop is missing (run make first)"
else
	docs="README.md $(cd "$TOP/docs" && ls -- *.md | tr '\n' ' ')"
	man5=$(cd "$TOP/man" && ls -- *.5 2>/dev/null | tr '\n' ' ' || true)
	# make_install DESTDIR [VAR=VALUE...]: never rebuilds (-o), installs from $OUTPUT
	make_install() {
		d=$1
		shift
		make -s -C "$TOP" OUTPUT="$OUTPUT" -o "$OUTPUT/epermd" -o "$OUTPUT/epermtop" \
			install DESTDIR="$d" "$@" >"$T_TMP/make.log" 2>&1
	}
	# expected_files PREFIX UNITDIR
	expected_files() {
		p=$1
		echo "/etc/epermd/epermd.conf $2/epermd.service $p/sbin/epermd $p/bin/epermtop"
		echo "$p/lib/tmpfiles.d/epermd.conf $p/lib/sysusers.d/epermd.conf"
		echo "$p/lib/systemd/catalog/epermd.catalog"
		echo "$p/share/man/man8/epermd.8 $p/share/man/man8/epermtop.8"
		for m in $man5; do echo "$p/share/man/man5/$m"; done
		echo "$p/share/bash-completion/completions/epermd"
		echo "$p/share/bash-completion/completions/epermtop"
		for f in $docs; do echo "$p/share/doc/epermd/$f"; done
	}
	for p in /usr/local /usr; do
		d=$T_TMP/inst$(echo "$p" | tr / _)
		if [ "$p" = /usr ]; then unitdir=/lib/systemd/system; else unitdir=$p/lib/systemd/system; fi
		if ! make_install "$d" PREFIX="$p"; then
			not_ok "install: make install PREFIX=$p failed"
			diag "$(tail -n 20 "$T_TMP/make.log")"
			continue
		fi
		if have_exactly "$d" "$(expected_files "$p" "$unitdir")"; then
			ok "install: PREFIX=$p installs exactly the planned files"
		else
			not_ok "install: PREFIX=$p installs exactly the planned files"
			diag "$(cat "$T_TMP/diff")"
		fi
		u=$d$unitdir/epermd.service
		if [ -f "$u" ] && grep -q "^ExecStart=$p/sbin/epermd " "$u" &&
			! grep -Eq "(=|[[:space:]])/usr/(local/)?sbin/epermd" <(sed "s|$p/sbin/epermd||g" "$u"); then
			ok "install: PREFIX=$p unit runs $p/sbin/epermd"
		else
			not_ok "install: PREFIX=$p unit runs $p/sbin/epermd"
			diag "$(grep -n 'epermd' "$u" 2>&1 | head)"
		fi
		if [ "$(stat -c %a "$d$p/sbin/epermd" 2>/dev/null)" = 755 ] &&
			[ "$(stat -c %a "$u" 2>/dev/null)" = 644 ] &&
			[ "$(stat -c %a "$d/etc/epermd/epermd.conf" 2>/dev/null)" = 644 ]; then
			ok "install: PREFIX=$p modes 0755 binaries, 0644 unit and config"
		else
			not_ok "install: PREFIX=$p modes 0755 binaries, 0644 unit and config"
		fi
	done
	d=$T_TMP/inst_usr_local
	if [ -f "$d/etc/epermd/epermd.conf" ]; then
		echo "# local change" >>"$d/etc/epermd/epermd.conf"
		if make_install "$d" && grep -q '^# local change' "$d/etc/epermd/epermd.conf" &&
			cmp -s "$TOP/systemd/epermd.conf" "$d/etc/epermd/epermd.conf.new"; then
			ok "install: a second make install keeps the existing config (new one as .new)"
		else
			not_ok "install: a second make install keeps the existing config (new one as .new)"
		fi
		if make -s -C "$TOP" OUTPUT="$OUTPUT" uninstall DESTDIR="$d" >"$T_TMP/make.log" 2>&1 &&
			have_exactly "$d" "/etc/epermd/epermd.conf /etc/epermd/epermd.conf.new"; then
			ok "install: make uninstall removes everything but the config"
		else
			not_ok "install: make uninstall removes everything but the config"
			diag "$(cat "$T_TMP/diff" "$T_TMP/make.log" 2>/dev/null | head -30)"
		fi
	fi
fi

# ---- man pages and completion: lint-clean, and every option of --help documented ----

if command -v mandoc >/dev/null; then
	if out=$(mandoc -Tlint -Wwarning "$TOP"/man/*.[1-8] 2>&1) && [ -z "$out" ]; then
		ok "install: man pages are mandoc -Tlint clean"
	else
		not_ok "install: man pages are mandoc -Tlint clean"
		diag "$out"
	fi
elif out=$(groff -man -ww -z "$TOP"/man/*.[1-8] 2>&1) && [ -z "$out" ]; then
	ok "install: man pages are groff -ww clean"
else
	not_ok "install: man pages are groff -ww clean"
	diag "$out"
fi
# complete_words FUNC WORDS...: what bash-completion offers for the last word
complete_words() {
	bash -c '. /usr/share/bash-completion/bash_completion; . "$0"; f=$1; shift
		COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}; COMPREPLY=(); $f 2>/dev/null; printf "%s\n" "${COMPREPLY[@]}"' \
		"$TOP/completion/${2}" "$@" 2>/dev/null
}
for prog in epermd epermtop; do
	bin=$OUTPUT/$prog
	[ -x "$bin" ] || continue
	opts=$("$bin" --help 2>&1 | grep -o -- '--[a-z][a-z-]*' | sort -u)
	man_missing="" comp_missing=""
	# the rendered page, bold and underline removed
	groff -man -Tutf8 -P-c -P-b -P-u "$TOP/man/$prog.8" 2>/dev/null >"$T_TMP/$prog.txt" || true
	for o in $opts; do
		grep -Eq -- "$o([=[:space:],]|$)" "$T_TMP/$prog.txt" || man_missing="$man_missing $o"
	done
	if [ -f /usr/share/bash-completion/bash_completion ]; then
		offered=$(complete_words "_$prog" "$prog" -)
		for o in $opts; do
			printf '%s\n' "$offered" | grep -Eq -- "^$o=?\$" || comp_missing="$comp_missing $o"
		done
	fi
	if [ -z "$man_missing" ]; then
		ok "install: every option of $prog --help is in $prog(8)"
	else
		not_ok "install: every option of $prog --help is in $prog(8) (missing:$man_missing)"
	fi
	if [ ! -f /usr/share/bash-completion/bash_completion ]; then
		skip "install: $prog completion (bash-completion is not installed)"
	elif [ -z "$comp_missing" ]; then
		ok "install: bash completion offers every option of $prog --help"
	else
		not_ok "install: bash completion offers every option of $prog --help (missing:$comp_missing)"
	fi
done
if [ -f /usr/share/bash-completion/bash_completion ]; then
	a=$(complete_words _epermd epermd --format= | tr '\n' ' ')
	b=$(complete_words _epermd epermd -- ls --colo | tr '\n' ' ')
	c=$(complete_words _epermtop epermtop --sort=c | tr '\n' ' ')
	if [ "$a" = "text json journal " ] && [ "${b#*--color}" != "$b" ] && [ "$c" = "count " ]; then
		ok "install: completion of values and of the command after --"
	else
		not_ok "install: completion of values and of the command after --"
		diag "--format= -> $a" "-- ls --colo -> $b" "epermtop --sort=c -> $c"
	fi
fi

# ---- the Debian package ----

for c in dpkg-buildpackage dh fakeroot lintian; do
	command -v "$c" >/dev/null || missing_tool "$c"
done
if ! (cd "$TOP" && dpkg-checkbuilddeps) >"$T_TMP/bdeps" 2>&1; then
	not_ok "package: build dependencies are missing"
	diag "$(cat "$T_TMP/bdeps")"
	exit 1
fi

# copy_tree DIR: the source tree without build outputs, caches or VCS data
copy_tree() {
	mkdir -p "$1"
	tar -C "$TOP" -c --exclude-vcs --exclude=./build --exclude='./build-*' \
		--exclude=./tests/vm/cache --exclude=./bench/results --exclude=./debian/build \
		--exclude=./debian/epermd --exclude=./debian/.debhelper --exclude='./debian/*.log' \
		--exclude='./debian/*.substvars' --exclude=./debian/files . | tar -C "$1" -x
}

ver1=$(cd "$TOP" && dpkg-parsechangelog -S Version)
ver2=$ver1+pkgtest1
arch=$(dpkg --print-architecture)
copy_tree "$T_TMP/v1/epermd"
# the source package too, from the pristine copy, so that lintian checks debian/ as well
if ! (cd "$T_TMP/v1/epermd" && dpkg-source -b .) >"$T_TMP/source.log" 2>&1; then
	not_ok "package: dpkg-source -b builds the source package"
	diag "$(tail -n 20 "$T_TMP/source.log")"
fi
# $OUTPUT/deb/ hands the package to the VM test (tests/vm/systemd/e2e.sh): never a stale one
mkdir -p "$OUTPUT/deb"
rm -f "$OUTPUT"/deb/epermd_*.deb "$OUTPUT/deb/SOURCE"
DEB_BUILD_OPTIONS="parallel=$(nproc) noautodbgsym"
export DEB_BUILD_OPTIONS
tb=$(date +%s)
if (cd "$T_TMP/v1/epermd" && dpkg-buildpackage -us -uc -b) >"$T_TMP/build1.log" 2>&1 &&
	[ -f "$T_TMP/v1/epermd_${ver1}_$arch.deb" ]; then
	ok "package: dpkg-buildpackage -us -uc -b builds epermd_${ver1}_$arch.deb"
	echo "# dpkg-buildpackage took $(($(date +%s) - tb)) s" >&2
else
	not_ok "package: dpkg-buildpackage -us -uc -b builds epermd_${ver1}_$arch.deb"
	diag "$(tail -n 30 "$T_TMP/build1.log")"
	exit 1
fi
deb1=$T_TMP/v1/epermd_${ver1}_$arch.deb
cp "$deb1" "$OUTPUT/deb/"
sh "$TOP/tests/tools/src-hash.sh" >"$OUTPUT/deb/SOURCE"

# lintian as a reviewer would run it; errors fail, warnings are listed
lrc=0
set -- "$T_TMP/v1/epermd_${ver1}_${arch}.changes"
[ -f "$T_TMP/v1/epermd_${ver1}.dsc" ] && set -- "$@" "$T_TMP/v1/epermd_${ver1}.dsc"
lintian --tag-display-limit 0 "$@" >"$T_TMP/lintian.log" 2>&1 || lrc=$?
grep -v 'running with root privileges' "$T_TMP/lintian.log" >"$T_TMP/lintian.tags" || true
nerr=$(grep -c '^E: ' "$T_TMP/lintian.tags" || true)
nwarn=$(grep -c '^W: ' "$T_TMP/lintian.tags" || true)
if [ "$nerr" -eq 0 ] && [ "$lrc" -eq 0 ]; then
	ok "package: lintian on the .deb and the .dsc reports no errors ($nwarn warnings)"
else
	not_ok "package: lintian on the .deb and the .dsc reports no errors ($nerr errors, $nwarn warnings, exit $lrc)"
fi
[ "$nerr$nwarn" = 00 ] || diag "$(cat "$T_TMP/lintian.tags")"

# the same tree one version later, with a changed shipped config, reusing the build outputs
copy_tree "$T_TMP/v2/epermd"
cp -a "$T_TMP/v1/epermd/debian/build" "$T_TMP/v2/epermd/debian/build"
{
	printf 'epermd (%s) unstable; urgency=medium\n\n  * Upgrade test build.\n\n' "$ver2"
	printf ' -- epermd tests <epermd@example.org>  %s\n\n' "$(date -R)"
	cat "$TOP/debian/changelog"
} >"$T_TMP/v2/epermd/debian/changelog"
echo "# shipped by $ver2" >>"$T_TMP/v2/epermd/systemd/epermd.conf"
if (cd "$T_TMP/v2/epermd" && dpkg-buildpackage -us -uc -b -nc) >"$T_TMP/build2.log" 2>&1 &&
	[ -f "$T_TMP/v2/epermd_${ver2}_$arch.deb" ]; then
	:
else
	not_ok "package: build of the upgrade $ver2"
	diag "$(tail -n 30 "$T_TMP/build2.log")"
	exit 1
fi
deb2=$T_TMP/v2/epermd_${ver2}_$arch.deb

# ---- install, upgrade, purge in a Debian 12 chroot ----

if ! tarball=$(sh "$TOP/tests/vm/mkrootfs.sh" bookworm 2>"$T_TMP/rootfs.err" | tail -n 1); then
	:
fi
case $tarball in
skip\ *)
	skip "package: chroot tests (${tarball#skip })"
	t_done
	exit $?
	;;
/*) [ -s "$tarball" ] || tarball="" ;;
*) tarball="" ;;
esac
if [ -z "$tarball" ]; then
	not_ok "package: tests/vm/mkrootfs.sh gave no root file system"
	diag "$(tail -n 20 "$T_TMP/rootfs.err")"
	exit 1
fi
R=$T_TMP/root
mkdir -p "$R"
tar -x --numeric-owner -f "$tarball" -C "$R"
mount -t proc proc "$R/proc"
# no service starts in here, whatever the scripts think
printf '#!/bin/sh\nexit 101\n' >"$R/usr/sbin/policy-rc.d"
chmod 0755 "$R/usr/sbin/policy-rc.d"
cp "$deb1" "$deb2" "$R/tmp/"
inroot() { chroot "$R" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 "$@"; }
# every path of the root file system outside the package manager's and the logs' own state
snapshot() {
	(cd "$R" && find . -xdev \( -path ./proc -o -path ./tmp -o -path ./var/lib/dpkg \
		-o -path ./var/log -o -path ./var/cache \) -prune -o -print | sort) >"$1"
}
# node_exporter's textfile directory, as prometheus-node-exporter creates it (not ours)
mkdir -p "$R/var/lib/prometheus/node-exporter"
snapshot "$T_TMP/before"

# dpkg_in ARGS: dpkg in the chroot, never asking (keeps a modified conffile, as apt's confold)
dpkg_in() {
	inroot dpkg --force-confdef --force-confold "$@" </dev/null >>"$T_TMP/dpkg.log" 2>&1
}

if dpkg_in -i "/tmp/$(basename "$deb1")" && [ "$(inroot dpkg-query -W -f='${Status}' epermd)" = "install ok installed" ]; then
	ok "package: dpkg -i on a fresh Debian 12 root (no systemd running) succeeds"
else
	not_ok "package: dpkg -i on a fresh Debian 12 root (no systemd running) succeeds"
	diag "$(tail -n 30 "$T_TMP/dpkg.log")"
	exit 1
fi

missing=""
for f in /usr/sbin/epermd /usr/bin/epermtop /lib/systemd/system/epermd.service \
	/usr/lib/sysusers.d/epermd.conf /usr/lib/tmpfiles.d/epermd.conf /etc/epermd/epermd.conf \
	/usr/lib/systemd/catalog/epermd.catalog /usr/share/man/man8/epermd.8.gz \
	/usr/share/man/man8/epermtop.8.gz /usr/share/bash-completion/completions/epermd \
	/usr/share/bash-completion/completions/epermtop /usr/share/doc/epermd/copyright; do
	[ -f "$R$f" ] || missing="$missing $f"
done
for m in $(cd "$TOP/man" && ls -- *.5 2>/dev/null || true); do
	[ -f "$R/usr/share/man/man5/$m.gz" ] || missing="$missing /usr/share/man/man5/$m.gz"
done
if [ -z "$missing" ]; then
	ok "package: files are at the planned paths"
else
	not_ok "package: files are at the planned paths (missing:$missing)"
fi
if inroot dpkg-query -W -f='${Conffiles}\n' epermd | grep -q '^ /etc/epermd/epermd.conf '; then
	ok "package: /etc/epermd/epermd.conf is a conffile"
else
	not_ok "package: /etc/epermd/epermd.conf is a conffile"
fi
if inroot getent group epermd >/dev/null; then
	ok "package: the epermd system group exists (sysusers)"
else
	not_ok "package: the epermd system group exists (sysusers)"
fi
# owner and group by number: the names must resolve inside the chroot, not on this host
want=$(awk '$1 == "d" && $2 == "/run/epermd" { print $3, $4, $5 }' "$TOP/systemd/epermd.tmpfiles")
wmode=$(echo "$want" | cut -d' ' -f1)
wuid=$(inroot getent passwd "$(echo "$want" | cut -d' ' -f2)" | cut -d: -f3)
wgid=$(inroot getent group "$(echo "$want" | cut -d' ' -f3)" | cut -d: -f3)
st=$(stat -c '%a %u %g' "$R/run/epermd" 2>/dev/null || echo missing)
if [ -n "$want" ] && [ "$st" = "${wmode#0} $wuid $wgid" ]; then
	ok "package: tmpfiles created /run/epermd ($want)"
else
	not_ok "package: tmpfiles created /run/epermd ($st, want $want = ${wmode#0} $wuid $wgid)"
fi
if [ -L "$R/etc/systemd/system/multi-user.target.wants/epermd.service" ]; then
	ok "package: epermd.service is enabled"
else
	not_ok "package: epermd.service is enabled"
fi
if inroot /usr/sbin/epermd --version >"$T_TMP/ver" 2>&1 && grep -q '^epermd ' "$T_TMP/ver" &&
	inroot /usr/bin/epermtop --help >/dev/null 2>&1; then
	ok "package: the installed binaries run ($(head -n1 "$T_TMP/ver"))"
else
	not_ok "package: the installed binaries run"
	diag "$(cat "$T_TMP/ver")"
fi
if inroot /usr/sbin/epermd --check-config --config=/etc/epermd/epermd.conf >"$T_TMP/check" 2>&1; then
	ok "package: the installed config passes --check-config"
else
	not_ok "package: the installed config passes --check-config"
	diag "$(cat "$T_TMP/check")"
fi
# systemd's dpkg trigger on /usr/lib/systemd/catalog rebuilt the catalog database
id1=$(sed -n 's/^-- \([0-9a-f]\{32\}\).*/\1/p' "$TOP/systemd/epermd.catalog" | head -n1)
if [ -n "$id1" ] && inroot journalctl --list-catalog "$id1" 2>/dev/null | grep -q "$id1"; then
	ok "package: the journal catalog is compiled in (journalctl --list-catalog $id1)"
else
	not_ok "package: the journal catalog is compiled in (journalctl --list-catalog $id1)"
fi

# upgrade with a locally modified conffile that the new version also changed
echo "# local change" >>"$R/etc/epermd/epermd.conf"
mkdir -p "$R/var/lib/epermd" && echo state >"$R/var/lib/epermd/runstate"
echo 'epermd_up 1' >"$R/var/lib/prometheus/node-exporter/epermd.prom"
if dpkg_in -i "/tmp/$(basename "$deb2")" &&
	[ "$(inroot dpkg-query -W -f='${Version} ${Status}' epermd)" = "$ver2 install ok installed" ]; then
	ok "package: upgrade $ver1 -> $ver2"
else
	not_ok "package: upgrade $ver1 -> $ver2"
	diag "$(tail -n 30 "$T_TMP/dpkg.log")"
fi
if grep -q '^# local change' "$R/etc/epermd/epermd.conf" &&
	grep -q "^# shipped by $ver2" "$R/etc/epermd/epermd.conf.dpkg-dist" 2>/dev/null; then
	ok "package: the upgrade keeps the modified conffile (new one as .dpkg-dist)"
else
	not_ok "package: the upgrade keeps the modified conffile (new one as .dpkg-dist)"
	diag "$(ls -la "$R/etc/epermd" 2>&1)"
fi
if [ -L "$R/etc/systemd/system/multi-user.target.wants/epermd.service" ] &&
	inroot getent group epermd >/dev/null; then
	ok "package: after the upgrade the unit is still enabled and the group is there"
else
	not_ok "package: after the upgrade the unit is still enabled and the group is there"
fi

# purge: nothing of ours is left but the system group (Debian leaves those)
if dpkg_in --purge epermd &&
	! inroot dpkg-query -W -f='${Status}' epermd 2>/dev/null | grep -q '^install ok installed$'; then
	ok "package: dpkg --purge succeeds"
else
	not_ok "package: dpkg --purge succeeds"
	diag "$(tail -n 30 "$T_TMP/dpkg.log")"
fi
snapshot "$T_TMP/after"
# sysusers/shadow keep backups of the files they edited: allowed
comm -13 "$T_TMP/before" "$T_TMP/after" | grep -Ev '^\./etc/(group|gshadow|passwd|shadow)-$' >"$T_TMP/left" || true
if [ ! -s "$T_TMP/left" ]; then
	ok "package: purge leaves nothing behind"
else
	not_ok "package: purge leaves nothing behind"
	diag "$(head -n 30 "$T_TMP/left")"
fi
if [ -n "$id1" ] && ! inroot journalctl --list-catalog "$id1" 2>/dev/null | grep -q "$id1"; then
	ok "package: purge takes the catalog entries out of the journal's database"
else
	not_ok "package: purge takes the catalog entries out of the journal's database"
fi
if inroot getent group epermd >/dev/null; then
	ok "package: purge keeps the epermd system group (Debian policy)"
else
	not_ok "package: purge keeps the epermd system group (Debian policy)"
fi
echo "# package.sh took $(($(date +%s) - t0)) s" >&2
t_done
