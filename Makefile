# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# epermd: build, test, install.  `make V=1` shows the commands; OUTPUT=dir builds out of tree.

OUTPUT ?= build
PREFIX ?= /usr/local
DESTDIR ?=
SBINDIR ?= $(PREFIX)/sbin
BINDIR ?= $(PREFIX)/bin
UNITDIR ?= /lib/systemd/system
CATALOGDIR ?= /usr/lib/systemd/catalog
MANDIR ?= $(PREFIX)/share/man

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

WARN := -Wall -Wextra -Werror
CFLAGS ?= -O2 -g
CFLAGS += $(WARN) -std=gnu11 -D_GNU_SOURCE -MMD -MP -Iinclude -Idaemon -I$(OUTPUT)
SAN ?=
ifeq ($(SAN),1)
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
endif
LIBS_DAEMON := $(shell pkg-config --libs libbpf libsystemd 2>/dev/null || echo -lbpf -lsystemd) -lelf -lz -lpthread
LIBS_TOP := $(shell pkg-config --libs ncursesw 2>/dev/null || echo -lncursesw)

BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror -MMD -MP \
	-Iinclude -I$(OUTPUT)/vmlinux

DAEMON_SRCS := $(wildcard daemon/*.c)
DAEMON_OBJS := $(patsubst daemon/%.c,$(OUTPUT)/daemon/%.o,$(DAEMON_SRCS))
# Modules without the BPF loader, shared with epermtop and the unit tests.
CORE_OBJS := $(filter-out $(OUTPUT)/daemon/main.o $(OUTPUT)/daemon/tracer.o $(OUTPUT)/daemon/hooks.o,$(DAEMON_OBJS))
TOP_SRCS := $(wildcard epermtop/*.c)
TOP_OBJS := $(patsubst epermtop/%.c,$(OUTPUT)/top/%.o,$(TOP_SRCS))
UNIT_SRCS := $(wildcard tests/unit/*.c)
UNIT_OBJS := $(patsubst tests/unit/%.c,$(OUTPUT)/tests/unit/%.o,$(UNIT_SRCS))
TOOL_SRCS := $(wildcard tests/tools/*.c)
TOOL_BINS := $(patsubst tests/tools/%.c,$(OUTPUT)/tests/%,$(TOOL_SRCS))
BENCH_SRCS := $(wildcard bench/*.c)
BENCH_BINS := $(patsubst bench/%.c,$(OUTPUT)/bench/%,$(BENCH_SRCS))

.PHONY: all clean install test test-unit test-host test-vm deps format check-format bench
.DELETE_ON_ERROR:
.SECONDARY:

all: $(OUTPUT)/epermd $(OUTPUT)/epermtop $(OUTPUT)/epermd-unit $(TOOL_BINS) $(BENCH_BINS)

$(OUTPUT) $(OUTPUT)/daemon $(OUTPUT)/top $(OUTPUT)/tests/unit $(OUTPUT)/tests $(OUTPUT)/bench $(OUTPUT)/vmlinux $(OUTPUT)/bpf:
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

$(OUTPUT)/daemon/%.o: daemon/%.c | $(OUTPUT)/daemon
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(OUTPUT)/top/%.o: epermtop/%.c | $(OUTPUT)/top
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -Iepermtop -c $< -o $@

$(OUTPUT)/tests/unit/%.o: tests/unit/%.c | $(OUTPUT)/tests/unit
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -Itests/unit -c $< -o $@

$(OUTPUT)/epermd: $(DAEMON_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(LIBS_DAEMON) -o $@

$(OUTPUT)/epermtop: $(TOP_OBJS) $(CORE_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(LIBS_TOP) $(LIBS_DAEMON) -o $@

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

bench: all
	OUTPUT=$(OUTPUT) sh bench/run.sh

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

check-format:
	clang-format --dry-run --Werror $$(git ls-files '*.c' '*.h')

install: $(OUTPUT)/epermd $(OUTPUT)/epermtop
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(UNITDIR) $(DESTDIR)$(CATALOGDIR)
	install -m 0755 $(OUTPUT)/epermd $(DESTDIR)$(SBINDIR)/epermd
	install -m 0755 $(OUTPUT)/epermtop $(DESTDIR)$(BINDIR)/epermtop
	install -m 0644 systemd/epermd.service $(DESTDIR)$(UNITDIR)/epermd.service
	install -m 0644 systemd/epermd.catalog $(DESTDIR)$(CATALOGDIR)/epermd.catalog
	install -d $(DESTDIR)/etc
	[ -e $(DESTDIR)/etc/epermd.conf ] || install -m 0644 systemd/epermd.conf $(DESTDIR)/etc/epermd.conf

clean:
	rm -rf $(OUTPUT)

-include $(wildcard $(OUTPUT)/daemon/*.d $(OUTPUT)/top/*.d $(OUTPUT)/tests/unit/*.d $(OUTPUT)/bpf/*.d)
