# SPDX-License-Identifier: GPL-2.0-or-later
#
# ksmbd-cluster top-level build.
#
#   make            user-space programs and the kernel module
#   make user       user-space programs only (ksmbd-engine, daemons, CLI)
#   make module     ksmbd_cluster.ko against KDIR (Debian 6.1 headers by default)
#   make SANITIZE=1 the same user-space programs with ASan+UBSan, in build/asan
#   make deps       install every Debian package the build, tests and demo need
#   make test       deps + build + every test layer (what .ci/run runs)
#   make demo       deps + build + start a local three-node cluster serving ./demo-share;
#                   make demo-down removes it
#   make bench      ksmbd-engine against Samba's smbd: 1 GiB put/get and create/stat/list/delete
#                   of 10,000 small files (not part of make test; BENCH_ARGS="--size 256M
#                   --runs 5 --workload meta" passes options to scripts/bench.sh)
#   make bench-repl replication benchmark: 3 clusterd nodes, concurrent registry writers,
#                   mutations/s and p50/p99 commit latency (not part of make test;
#                   BENCH_REPL_ARGS="--writers 12 --seconds 20", scripts/bench-repl.sh)
#
# See README.md for the test layers (test-unit, test-pstore, test-engine, test-torture,
# test-kernel, test-kernel-torture, test-cluster, test-fuzz) and docs/architecture.md for the layout.

VERSION := 0.1.0
PROTO_CHECK := include/uapi/ksmbd_cluster.h

SANITIZE ?= 0
ifeq ($(SANITIZE),1)
BUILD ?= build/asan
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
BUILD ?= build/default
SAN_FLAGS :=
endif

CC ?= gcc
CLANG ?= clang
PKG_CONFIG ?= pkg-config
WARN := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-format-nonliteral
CFLAGS ?= -O2 -g
ALL_CFLAGS := -std=gnu11 $(WARN) $(CFLAGS) $(SAN_FLAGS) -D_GNU_SOURCE \
	-DKC_VERSION=\"$(VERSION)\" -Iinclude -Ilib -Ipersistent-store -MMD -MP
ALL_LDFLAGS := $(LDFLAGS) $(SAN_FLAGS)

NL_CFLAGS := $(shell $(PKG_CONFIG) --cflags libnl-genl-3.0 2>/dev/null)
NL_LIBS := $(shell $(PKG_CONFIG) --libs libnl-genl-3.0 2>/dev/null)
QB_LIBS := $(shell $(PKG_CONFIG) --libs libqb 2>/dev/null)
SSL_LIBS := $(shell $(PKG_CONFIG) --libs libcrypto 2>/dev/null)
CMOCKA_LIBS := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)
TDB_LIBS := $(shell $(PKG_CONFIG) --libs tdb 2>/dev/null)
COROSYNC_LIBS := $(shell $(PKG_CONFIG) --libs libcpg libquorum 2>/dev/null)

# --- kernel module -------------------------------------------------------------------------
KC_CACHE ?= /var/cache/ksmbd-cluster
KABI ?= $(shell cat $(KC_CACHE)/kernel-abi 2>/dev/null || \
	apt-cache depends linux-headers-amd64 2>/dev/null | sed -n 's/.*Depends: linux-headers-\(.*\)$$/\1/p' | head -n1)
KDIR ?= /usr/src/linux-headers-$(KABI)

# --- the engine: kernel/ sources shared by both builds ---------------------------------------
ENGINE_SRCS := $(filter-out %.mod.c,$(wildcard kernel/*.c))
ENGINE_PORT_SRCS := $(filter-out kernel/port/user/main.c,$(wildcard kernel/port/user/*.c))
# Kernel code implements callbacks whose parameters it does not always use; the kernel's own
# builds (W=1 included) do not warn about that, so neither does the engine's user build.
ENGINE_CFLAGS := -Ikernel/port/user/include -Ikernel -Wno-unused-parameter
ENGINE_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(ENGINE_SRCS) $(ENGINE_PORT_SRCS))
ENGINE_LIB := $(BUILD)/libengine.a

LIB_SRCS := $(wildcard lib/*.c)
LIB_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(LIB_SRCS))
LIBKC := $(BUILD)/libkc.a

# libpstore: the persistent store (persistent-store/pstore.h); pstore-tool is its CLI.
PSTORE_SRCS := $(filter-out persistent-store/pstore-tool.c,$(wildcard persistent-store/*.c))
PSTORE_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(PSTORE_SRCS))
LIBPSTORE := $(BUILD)/libpstore.a

# libkcip: public-IP assignment and takeover (clusterd/ipalloc.h, clusterd/ipctl.h), for
# ksmbd-clusterd, the unit tests and tests/tools/kc-ipctl.
KCIP_SRCS := clusterd/ipalloc.c clusterd/ipctl.c
KCIP_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(KCIP_SRCS))
LIBKCIP := $(BUILD)/libkcip.a

# mountd's objects but main(), so unit tests can link them.
MOUNTD_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(filter-out mountd/mountd.c,$(wildcard mountd/*.c)))
LIBMOUNTD := $(BUILD)/libmountd.a

BINDIR := $(BUILD)/bin
PROGS := $(BINDIR)/ksmbd-engine $(BINDIR)/ksmbd-mountd $(BINDIR)/ksmbd-clusterd \
	$(BINDIR)/ksmbd-witnessd $(BINDIR)/ksmbd-cluster $(BINDIR)/pstore-tool
TEST_TOOLS := $(BINDIR)/kc-ipc-probe $(BINDIR)/pstore-writer $(BINDIR)/kc-cipc-probe \
	$(BINDIR)/kc-ipctl $(BINDIR)/kc-repl-bench

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))

.PHONY: all user module module-clean sanitize deps test test-unit test-engine test-kernel \
	test-kernel-torture test-cluster test-fuzz test-config test-pstore test-torture golden demo demo-down clean fuzz bench bench-repl
.DEFAULT_GOAL := all

all: user module

user: $(PROGS) $(TEST_TOOLS) $(UNIT_BINS)

sanitize:
	$(MAKE) SANITIZE=1 user

$(BUILD)/kernel/%.o: kernel/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ENGINE_CFLAGS) -c -o $@ $<

$(BUILD)/lib/%.o: lib/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(NL_CFLAGS) -c -o $@ $<

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(NL_CFLAGS) -c -o $@ $<

$(ENGINE_LIB): $(ENGINE_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(LIBKC): $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(LIBPSTORE): $(PSTORE_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(LIBMOUNTD): $(MOUNTD_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(LIBKCIP): $(KCIP_OBJS)
	@rm -f $@
	ar rcs $@ $^

ENGINE_LIBS := $(SSL_LIBS) -lpthread

$(BINDIR)/ksmbd-engine: $(BUILD)/kernel/port/user/main.o $(ENGINE_LIB) $(LIBKC)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(ENGINE_LIBS) $(QB_LIBS)

$(BINDIR)/ksmbd-mountd: $(BUILD)/mountd/mountd.o $(LIBMOUNTD) $(LIBKC) $(LIBPSTORE)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBKC) $(NL_LIBS) $(QB_LIBS) $(SSL_LIBS) $(TDB_LIBS)

$(BINDIR)/ksmbd-clusterd: $(patsubst %.c,$(BUILD)/%.o,$(filter-out $(KCIP_SRCS),$(wildcard clusterd/*.c))) \
		$(LIBKCIP) $(LIBKC) $(LIBPSTORE)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBKC) $(COROSYNC_LIBS) $(QB_LIBS) $(SSL_LIBS) $(TDB_LIBS)

$(BINDIR)/ksmbd-witnessd: $(patsubst %.c,$(BUILD)/%.o,$(wildcard witness/*.c)) $(LIBKC)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(QB_LIBS)

$(BINDIR)/ksmbd-cluster: $(patsubst %.c,$(BUILD)/%.o,$(wildcard cli/*.c)) $(LIBKC) $(LIBPSTORE)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBKC) $(QB_LIBS) $(SSL_LIBS) $(TDB_LIBS)

$(BINDIR)/pstore-tool: $(BUILD)/persistent-store/pstore-tool.o $(LIBPSTORE) $(LIBKC)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TDB_LIBS)

$(BINDIR)/pstore-writer: $(BUILD)/tests/tools/pstore-writer.o $(LIBPSTORE) $(LIBKC)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TDB_LIBS)

$(BINDIR)/kc-cipc-probe: $(BUILD)/tests/tools/kc-cipc-probe.o $(LIBKC)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(QB_LIBS) $(SSL_LIBS)

$(BINDIR)/kc-repl-bench: $(BUILD)/tests/tools/kc-repl-bench.o $(LIBKC) $(LIBPSTORE)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBKC) $(QB_LIBS) $(SSL_LIBS) $(TDB_LIBS) -lpthread

$(BUILD)/tests/tools/kc-ipctl.o: ALL_CFLAGS += -Iclusterd

$(BINDIR)/kc-ipctl: $(BUILD)/tests/tools/kc-ipctl.o $(LIBKCIP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^

$(BINDIR)/kc-ipc-probe: $(BUILD)/tests/tools/kc-ipc-probe.o $(LIBKC)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(NL_LIBS) $(QB_LIBS)

# Unit tests link the engine's objects through the user-space port, mountd's objects and the
# shared library.
$(BUILD)/tests/test_%: tests/unit/test_%.c $(ENGINE_LIB) $(LIBMOUNTD) $(LIBPSTORE) $(LIBKCIP) $(LIBKC)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ENGINE_CFLAGS) $(NL_CFLAGS) -Imountd -Iclusterd $(ALL_LDFLAGS) -o $@ $< \
		$(ENGINE_LIB) $(LIBMOUNTD) $(LIBPSTORE) $(LIBKCIP) $(LIBKC) $(LIBPSTORE) $(CMOCKA_LIBS) \
		$(ENGINE_LIBS) \
		$(NL_LIBS) $(QB_LIBS) $(TDB_LIBS)

module:
	@test -d "$(KDIR)" || { echo "kernel headers not found at KDIR=$(KDIR); run 'make deps' or set KDIR" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kernel KC_VERSION=$(VERSION) modules

module-clean:
	@test ! -d "$(KDIR)" || $(MAKE) -C $(KDIR) M=$(CURDIR)/kernel clean

# --- fuzzing (clang + libFuzzer) ---------------------------------------------------------------
FUZZ_BUILD := build/fuzz
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
FUZZ_TARGETS := $(patsubst tests/fuzz/fuzz_%.c,$(FUZZ_BUILD)/fuzz_%,$(wildcard tests/fuzz/fuzz_*.c))

fuzz: $(FUZZ_TARGETS)

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(ENGINE_SRCS) $(ENGINE_PORT_SRCS) $(LIB_SRCS) $(PSTORE_SRCS)
	@mkdir -p $(dir $@)
	$(CLANG) -std=gnu11 $(WARN) $(FUZZ_FLAGS) -fsanitize=fuzzer -D_GNU_SOURCE -DKC_VERSION=\"$(VERSION)\" \
		-Iinclude -Ilib -Ipersistent-store $(ENGINE_CFLAGS) $(NL_CFLAGS) -o $@ $< $(ENGINE_SRCS) \
		$(ENGINE_PORT_SRCS) $(LIB_SRCS) $(PSTORE_SRCS) $(ENGINE_LIBS) $(NL_LIBS) $(QB_LIBS) \
		$(TDB_LIBS)

# --- dependencies, tests, demo ---------------------------------------------------------------
deps:
	scripts/deps.sh

# The unit, config, pstore, engine and torture layers run the ASan/UBSan build (pstore's
# valgrind test takes the plain build's binaries); the kernel and cluster layers the plain one
# (the guest is slow enough already).
test: deps
	$(MAKE) all
	$(MAKE) SANITIZE=1 user
	$(MAKE) fuzz
	tests/run-layer.sh --build build/asan unit config pstore engine torture \
		--build build/default kernel cluster fuzz

test-unit: user
	tests/run-layer.sh unit config

test-config: user
	tests/run-layer.sh config

test-pstore: user sanitize
	tests/run-layer.sh --build build/asan pstore

test-engine: user sanitize
	tests/run-layer.sh --build build/asan engine

test-torture: user sanitize
	tests/run-layer.sh --build build/asan torture

test-kernel: user module
	tests/run-layer.sh kernel

# The whole ksmbd CI list (tests/torture/ksmbd-ci) against the module in the QEMU/TCG guest;
# make test runs a subset of it (tests/kernel/03-torture.t). Long: see docs/testing.md.
test-kernel-torture: user module
	KC_TEST_TIMEOUT=$${KC_TEST_TIMEOUT:-21600} tests/run-layer.sh kernel-torture

test-cluster: user
	tests/run-layer.sh cluster

test-fuzz: fuzz
	tests/run-layer.sh fuzz

golden: user
	tests/config/golden.sh --regenerate

demo: deps
	$(MAKE) user
	scripts/demo.sh up

demo-down:
	scripts/demo.sh down

# Always the plain (non-sanitizer) build: that is what is measured.
bench:
	$(MAKE) SANITIZE=0 user
	scripts/bench.sh $(BENCH_ARGS)

# Replication benchmark: three corosync + clusterd nodes in namespaces, concurrent writers.
bench-repl:
	$(MAKE) SANITIZE=0 user
	scripts/bench-repl.sh $(BENCH_REPL_ARGS)

clean: module-clean
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
