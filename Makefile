# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# epermd: build, test, install.  `make V=1` shows the commands; OUTPUT=dir builds out of tree.

OUTPUT ?= build
# Installation directories (`make install`; see the install target for what goes where).
PREFIX ?= /usr/local
DESTDIR ?=
SBINDIR ?= $(PREFIX)/sbin
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
DOCDIR ?= $(DATADIR)/doc/epermd
SYSCONFDIR ?= /etc
# systemd's unit directory: /lib/systemd/system for the distribution's own /usr (Debian 12),
# else below PREFIX (systemd also searches /usr/local/lib/systemd/system).
ifeq ($(PREFIX),/usr)
UNITDIR ?= /lib/systemd/system
else
UNITDIR ?= $(PREFIX)/lib/systemd/system
endif
TMPFILESDIR ?= $(PREFIX)/lib/tmpfiles.d
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
CATALOGDIR ?= $(PREFIX)/lib/systemd/catalog
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions

CC ?= cc
CLANG ?= clang
BPFTOOL ?= bpftool
LLVM_STRIP ?= llvm-strip
ARCH := $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
UNISTD_H ?= $(firstword $(wildcard /usr/include/x86_64-linux-gnu/asm/unistd_64.h /usr/include/asm/unistd_64.h))
ERRNO_H ?= $(wildcard /usr/include/asm-generic/errno-base.h /usr/include/asm-generic/errno.h)
CAPABILITY_H ?= /usr/include/linux/capability.h

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

# The daemon's modules, one folder per pipeline stage (docs/architecture.md): capture -> enrich ->
# attribute -> explain -> fold -> sink, lib/ for what every stage shares; the daemon object,
# the pipeline and the command line at the top.
DAEMON_DIRS := daemon $(addprefix daemon/,capture enrich attribute explain fold sink lib)
WARN := -Wall -Wextra -Werror
CFLAGS ?= -O2 -g
CFLAGS += $(WARN) -std=gnu11 -D_GNU_SOURCE -MMD -MP -Iinclude $(addprefix -I,$(DAEMON_DIRS)) -I$(OUTPUT)
# struct denial names its parts (d->facts) and reaches their fields directly (d->path): an
# anonymous member of a tagged struct type (daemon/lib/denial.h) is a Microsoft/Plan 9 extension.
CFLAGS += -fms-extensions $(if $(findstring clang,$(shell $(CC) --version 2>/dev/null | head -1)),-Wno-microsoft-anon-tag)
SAN ?=
ifeq ($(SAN),1)
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
endif
# `make fuzz` builds the libFuzzer harnesses with clang into FUZZ_OUTPUT (SAN=1, FUZZ=1) and runs
# each for FUZZ_SECONDS after replaying its regression inputs (tests/fuzz/run.sh).
FUZZ_OUTPUT ?= build-fuzz
FUZZ_SECONDS ?= 60
ifeq ($(FUZZ),1)
CFLAGS += -fsanitize=fuzzer-no-link
endif
LIBS_DAEMON := $(shell pkg-config --libs libbpf libsystemd 2>/dev/null || echo -lbpf -lsystemd) -lelf -lz -lpthread
LIBS_TOP := $(shell pkg-config --libs ncursesw 2>/dev/null || echo -lncursesw)

BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror -MMD -MP \
	-Iinclude -I$(OUTPUT)/vmlinux

DAEMON_SRCS := $(foreach d,$(DAEMON_DIRS),$(wildcard $(d)/*.c))
# one flat object directory: module names are unique across the stage folders
DAEMON_OBJS := $(patsubst %.c,$(OUTPUT)/daemon/%.o,$(notdir $(DAEMON_SRCS)))
vpath %.c $(DAEMON_DIRS)
# Modules without the BPF loader, shared with epermtop and the unit tests.
CORE_OBJS := $(filter-out $(OUTPUT)/daemon/main.o $(OUTPUT)/daemon/daemon.o $(OUTPUT)/daemon/tracer.o $(OUTPUT)/daemon/hooks.o,$(DAEMON_OBJS))
TOP_SRCS := $(wildcard epermtop/*.c)
TOP_OBJS := $(patsubst epermtop/%.c,$(OUTPUT)/top/%.o,$(TOP_SRCS))
# The library modules epermtop shares with the daemon: it links these and nothing else.
TOP_LIB_OBJS := $(addprefix $(OUTPUT)/daemon/,sbuf.o jsonw.o escape.o)
UNIT_SRCS := $(wildcard tests/unit/*.c)
# The fuzz harnesses (tests/fuzz) are linked into epermd-unit too: it replays their regression
# inputs and seed corpora. The ring-record harness needs daemon/capture/capture.c.
FUZZ_SRCS := $(filter-out $(if $(wildcard daemon/capture/capture.c),,tests/fuzz/capture.c),$(wildcard tests/fuzz/*.c))
UNIT_OBJS := $(patsubst tests/unit/%.c,$(OUTPUT)/tests/unit/%.o,$(UNIT_SRCS)) \
	$(patsubst tests/fuzz/%.c,$(OUTPUT)/tests/fuzz/%.o,$(FUZZ_SRCS)) \
	$(OUTPUT)/top/json.o $(OUTPUT)/top/model.o
TOOL_SRCS := $(wildcard tests/tools/*.c)
TOOL_BINS := $(patsubst tests/tools/%.c,$(OUTPUT)/tests/%,$(TOOL_SRCS))
BENCH_SRCS := $(wildcard bench/*.c)
BENCH_BINS := $(patsubst bench/%.c,$(OUTPUT)/bench/%,$(BENCH_SRCS))

.PHONY: all clean install uninstall test test-unit test-host test-vm deps format check-format lint bench \
	fuzz fuzz-build fuzz-bins
.DELETE_ON_ERROR:
.SECONDARY:

all: $(OUTPUT)/epermd $(OUTPUT)/epermtop $(OUTPUT)/epermd-unit $(TOOL_BINS) $(BENCH_BINS)

$(OUTPUT) $(OUTPUT)/daemon $(OUTPUT)/top $(OUTPUT)/tests/unit $(OUTPUT)/tests/fuzz $(OUTPUT)/fuzz $(OUTPUT)/tests $(OUTPUT)/bench $(OUTPUT)/vmlinux $(OUTPUT)/bpf:
	$(Q)mkdir -p $@

# vmlinux.h is generated from the kernel's BTF, never committed.
$(OUTPUT)/vmlinux/vmlinux.h: | $(OUTPUT)/vmlinux
	$(call msg,GEN,$@)
	$(Q)if [ ! -r "$(VMLINUX_BTF)" ]; then \
		echo "error: kernel BTF not found at '$(VMLINUX_BTF)'; boot a kernel with CONFIG_DEBUG_INFO_BTF=y or set VMLINUX_BTF=/path/to/vmlinux" >&2; exit 1; fi
	$(Q)$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@.tmp && mv $@.tmp $@

# Syscall, errno and capability names come from the UAPI headers.
$(OUTPUT)/syscalls.inc: tools/gen-names.sh $(UNISTD_H) | $(OUTPUT)
	$(call msg,GEN,$@)
	$(Q)sh tools/gen-names.sh syscalls $(UNISTD_H) > $@.tmp && mv $@.tmp $@

$(OUTPUT)/errnos.inc: tools/gen-names.sh $(ERRNO_H) | $(OUTPUT)
	$(call msg,GEN,$@)
	$(Q)sh tools/gen-names.sh errno $(ERRNO_H) > $@.tmp && mv $@.tmp $@

$(OUTPUT)/caps.inc: tools/gen-names.sh $(CAPABILITY_H) | $(OUTPUT)
	$(call msg,GEN,$@)
	$(Q)sh tools/gen-names.sh caps $(CAPABILITY_H) > $@.tmp && mv $@.tmp $@

$(OUTPUT)/bpf/%.bpf.o: bpf/%.bpf.c $(OUTPUT)/vmlinux/vmlinux.h | $(OUTPUT)/bpf
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -MT $@ -MF $(@:.o=.d) -c $< -o $@.tmp.o
	$(Q)$(BPFTOOL) gen object $@ $@.tmp.o && rm -f $@.tmp.o

$(OUTPUT)/%.skel.h: $(OUTPUT)/bpf/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $*_bpf > $@.tmp && mv $@.tmp $@

$(OUTPUT)/daemon/tracer.o $(OUTPUT)/daemon/hooks.o: $(OUTPUT)/epermd.skel.h
$(OUTPUT)/daemon/names.o: $(OUTPUT)/syscalls.inc $(OUTPUT)/errnos.inc $(OUTPUT)/caps.inc

# The source by module name, not $<: a .d file from before a module moved between folders
# still names its old path (which the empty rule below lets go).
$(OUTPUT)/daemon/%.o: %.c | $(OUTPUT)/daemon
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c $(filter %/$*.c,$(DAEMON_SRCS)) -o $@

$(addsuffix /%.c,$(DAEMON_DIRS)):
	@:

$(OUTPUT)/top/%.o: epermtop/%.c | $(OUTPUT)/top
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -Iepermtop -c $< -o $@

$(OUTPUT)/tests/unit/%.o: tests/unit/%.c | $(OUTPUT)/tests/unit
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -Itests/unit -Itests/fuzz -Iepermtop \
		-DEPERMD_SRCDIR='"$(CURDIR)"' -c $< -o $@

$(OUTPUT)/tests/fuzz/%.o: tests/fuzz/%.c | $(OUTPUT)/tests/fuzz
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -Itests/fuzz -Iepermtop -c $< -o $@

$(OUTPUT)/epermd: $(DAEMON_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(LIBS_DAEMON) -o $@

$(OUTPUT)/epermtop: $(TOP_OBJS) $(TOP_LIB_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(LIBS_TOP) -o $@

$(OUTPUT)/epermd-unit: $(UNIT_OBJS) $(CORE_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(LIBS_DAEMON) -o $@

$(OUTPUT)/tests/%: tests/tools/%.c | $(OUTPUT)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $< -o $@ -lpthread

$(OUTPUT)/bench/%: bench/%.c | $(OUTPUT)/bench
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $< -o $@ -lpthread

deps:
	sh scripts/install-deps.sh

test: all
	OUTPUT=$(OUTPUT) sh tests/run.sh

test-unit: $(OUTPUT)/epermd-unit
	$(OUTPUT)/epermd-unit

FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(OUTPUT)/fuzz/%,$(FUZZ_SRCS))

$(OUTPUT)/fuzz/%: tests/fuzz/%.c $(CORE_OBJS) $(OUTPUT)/top/json.o $(OUTPUT)/top/model.o | $(OUTPUT)/fuzz
	$(call msg,FUZZ,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -Itests/fuzz -Iepermtop -DFUZZ_MAIN -fsanitize=fuzzer \
		$< $(CORE_OBJS) $(OUTPUT)/top/json.o $(OUTPUT)/top/model.o $(LIBS_DAEMON) -o $@

fuzz-bins: $(FUZZ_BINS)

fuzz-build:
	$(MAKE) OUTPUT=$(FUZZ_OUTPUT) CC=clang SAN=1 FUZZ=1 fuzz-bins

fuzz: fuzz-build
	FUZZ_OUTPUT=$(FUZZ_OUTPUT) FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run.sh

bench: all
	OUTPUT=$(OUTPUT) sh bench/run.sh

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

check-format:
	clang-format --dry-run --Werror $$(git ls-files '*.c' '*.h')

# The layout's rules (docs/architecture.md): no function over 80 lines in daemon/ and epermtop/
# (a table row a line is exempt, marked), no include cycle between modules nor between the
# daemon's folders (the pipeline's stages).
lint:
	sh tools/funclen.sh
	sh tools/includes.sh
	sh tools/includes.sh -f

# `install` only copies files: it starts nothing, creates no users and runs no systemctl.
# The shipped configuration is never overwritten: an existing
# $(DESTDIR)$(SYSCONFDIR)/epermd/epermd.conf is kept and the new one is left beside it as
# epermd.conf.new. The unit's /usr/sbin/epermd, /etc/epermd/ and doc paths are rewritten to
# SBINDIR, SYSCONFDIR and DOCDIR while copying.
MAN5 := $(wildcard man/*.5)
MAN8 := $(wildcard man/*.8)
DOCS := README.md $(wildcard docs/*.md)
UNIT_SED := -e 's|\([= +!:@-]\)/usr/\(local/\)\{0,1\}sbin/epermd|\1$(SBINDIR)/epermd|g' \
	-e 's|\([= +!:@-]\)/etc/epermd/|\1$(SYSCONFDIR)/epermd/|g' \
	-e 's|file:///usr/share/doc/epermd|file://$(DOCDIR)|g'

install: $(OUTPUT)/epermd $(OUTPUT)/epermtop
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(UNITDIR) \
		$(DESTDIR)$(TMPFILESDIR) $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(CATALOGDIR) \
		$(DESTDIR)$(SYSCONFDIR)/epermd $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(BASHCOMPDIR) \
		$(DESTDIR)$(DOCDIR)
	install -m 0755 $(OUTPUT)/epermd $(DESTDIR)$(SBINDIR)/epermd
	install -m 0755 $(OUTPUT)/epermtop $(DESTDIR)$(BINDIR)/epermtop
	sed $(UNIT_SED) systemd/epermd.service > $(DESTDIR)$(UNITDIR)/epermd.service.tmp
	chmod 0644 $(DESTDIR)$(UNITDIR)/epermd.service.tmp
	mv -f $(DESTDIR)$(UNITDIR)/epermd.service.tmp $(DESTDIR)$(UNITDIR)/epermd.service
	install -m 0644 systemd/epermd.tmpfiles $(DESTDIR)$(TMPFILESDIR)/epermd.conf
	install -m 0644 systemd/epermd.sysusers $(DESTDIR)$(SYSUSERSDIR)/epermd.conf
	install -m 0644 systemd/epermd.catalog $(DESTDIR)$(CATALOGDIR)/epermd.catalog
	if [ -e $(DESTDIR)$(SYSCONFDIR)/epermd/epermd.conf ]; then \
		install -m 0644 systemd/epermd.conf $(DESTDIR)$(SYSCONFDIR)/epermd/epermd.conf.new; \
		echo "epermd: kept $(DESTDIR)$(SYSCONFDIR)/epermd/epermd.conf; the shipped one is epermd.conf.new"; \
	else \
		install -m 0644 systemd/epermd.conf $(DESTDIR)$(SYSCONFDIR)/epermd/epermd.conf; \
	fi
	install -m 0644 $(MAN8) $(DESTDIR)$(MANDIR)/man8/
	$(if $(MAN5),install -d $(DESTDIR)$(MANDIR)/man5 && install -m 0644 $(MAN5) $(DESTDIR)$(MANDIR)/man5/)
	install -m 0644 completion/epermd completion/epermtop $(DESTDIR)$(BASHCOMPDIR)/
	install -m 0644 $(DOCS) $(DESTDIR)$(DOCDIR)/
	$(if $(DESTDIR),,@echo "epermd: installed; to run it: systemd-sysusers epermd.conf &&" \
		"systemd-tmpfiles --create epermd.conf && journalctl --update-catalog &&" \
		"systemctl daemon-reload && systemctl enable --now epermd")

# Removes what `install` copied; the configuration in $(SYSCONFDIR)/epermd is left alone.
uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/epermd $(DESTDIR)$(BINDIR)/epermtop \
		$(DESTDIR)$(UNITDIR)/epermd.service $(DESTDIR)$(TMPFILESDIR)/epermd.conf \
		$(DESTDIR)$(SYSUSERSDIR)/epermd.conf $(DESTDIR)$(CATALOGDIR)/epermd.catalog \
		$(addprefix $(DESTDIR)$(MANDIR)/man8/,$(notdir $(MAN8))) \
		$(addprefix $(DESTDIR)$(MANDIR)/man5/,$(notdir $(MAN5))) \
		$(DESTDIR)$(BASHCOMPDIR)/epermd $(DESTDIR)$(BASHCOMPDIR)/epermtop \
		$(addprefix $(DESTDIR)$(DOCDIR)/,$(notdir $(DOCS)))
	-rmdir $(DESTDIR)$(DOCDIR) 2>/dev/null

clean:
	rm -rf $(OUTPUT)

-include $(wildcard $(OUTPUT)/daemon/*.d $(OUTPUT)/top/*.d $(OUTPUT)/tests/unit/*.d $(OUTPUT)/tests/fuzz/*.d \
	$(OUTPUT)/bpf/*.d)
