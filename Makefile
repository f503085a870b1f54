# SPDX-License-Identifier: GPL-2.0
#
# crs: the module, crsctl, and the tests that prove them in QEMU.
#
#   make                 the module for KDIR and crsctl
#   make crsctl          crsctl alone
#   make check           every test: host, dkms, and QEMU on each kernel
#   make demo            boots a VM and shows crs at work
#   make bench           instruction counts under QEMU icount
#   make style           checkpatch --strict and sparse
#
# `make -C KDIR M=$PWD` reads Kbuild, not this file, as DKMS does.

KDIR	?= /lib/modules/$(shell uname -r)/build
BUILD	?= build
VERSION	:= $(shell cat VERSION)
KVERS	?= $(shell tests/lib/kvers.sh 2>/dev/null)

CC	?= cc
CFLAGS	?= -O2 -g
CRS_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE \
	      -Iinclude/uapi -DCRS_VERSION='"$(VERSION)"' \
	      $(shell pkg-config --cflags libnl-genl-3.0 jansson 2>/dev/null)
CRS_LIBS := $(shell pkg-config --libs libnl-genl-3.0 jansson 2>/dev/null)

CRSCTL_SRCS := $(wildcard userspace/*.c)
CRSCTL_OBJS := $(CRSCTL_SRCS:userspace/%.c=$(BUILD)/obj/%.o)
# What DKMS gets: install-dkms ships it, make check builds it with dkms.
DKMS_FILES := Kbuild VERSION dkms.conf kmod include
KMOD_SRCS := Kbuild VERSION $(wildcard kmod/*.c kmod/*.h kmod/*.S kmod/*.inc) include/uapi/linux/crs.h

# The kselftest harness and checkpatch come from Debian's linux-source
# tarball; they are extracted at build time, never committed.
LINUX_SRC_TAR := $(firstword $(wildcard /usr/src/linux-source-6.1.tar.xz))
KSFT	:= $(BUILD)/linux-source
KSFT_STAMP := $(KSFT)/.extracted

.PHONY: all module crsctl modules tests check demo bench style deps clean \
	install install-dkms

all: module crsctl

module:
	@test -d "$(KDIR)" || { echo "make: no kernel build tree at $(KDIR); set KDIR"; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

crsctl: $(BUILD)/crsctl

$(BUILD)/crsctl: $(CRSCTL_OBJS)
	$(CC) $(CFLAGS) -o $@ $^ $(CRS_LIBS)

$(BUILD)/obj/%.o: userspace/%.c $(wildcard userspace/*.h) include/uapi/linux/crs.h VERSION
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(CRS_CFLAGS) -c -o $@ $<

# One build tree per kernel: kbuild writes its objects beside the sources.
modules: $(foreach k,$(KVERS),$(BUILD)/$(k)/crs.ko $(BUILD)/$(k)/crs_test.ko)

$(BUILD)/%/crs.ko: $(KMOD_SRCS)
	@rm -rf $(BUILD)/$*/src && mkdir -p $(BUILD)/$*/src
	@cp -r Kbuild VERSION kmod include $(BUILD)/$*/src/
	$(MAKE) -s -C /usr/src/linux-headers-$* M=$(CURDIR)/$(BUILD)/$*/src modules
	cp $(BUILD)/$*/src/crs.ko $@

# The test-only event trigger (tests/kmod), linked against crs.ko's exports.
$(BUILD)/%/crs_test.ko: $(BUILD)/%/crs.ko $(wildcard tests/kmod/*)
	@rm -rf $(BUILD)/$*/test-src && mkdir -p $(BUILD)/$*/test-src
	@cp -r tests/kmod/. kmod include $(BUILD)/$*/test-src/
	$(MAKE) -s -C /usr/src/linux-headers-$* M=$(CURDIR)/$(BUILD)/$*/test-src \
		KBUILD_EXTRA_SYMBOLS=$(CURDIR)/$(BUILD)/$*/src/Module.symvers modules
	cp $(BUILD)/$*/test-src/crs_test.ko $@

$(KSFT_STAMP):
	@test -n "$(LINUX_SRC_TAR)" || { echo "make: linux-source-6.1 is not installed (tests/deps.sh)"; exit 1; }
	@mkdir -p $(KSFT)
	tar -xJf $(LINUX_SRC_TAR) -C $(KSFT) --strip-components=1 --wildcards \
		'linux-source-6.1/tools/testing/selftests/kselftest*.h' \
		'linux-source-6.1/scripts/checkpatch.pl' \
		'linux-source-6.1/scripts/spelling.txt' \
		'linux-source-6.1/scripts/const_structs.checkpatch'
	@touch $@

# Tests: kselftest programs (run in the VM) and unit tests (run on the host).
KSELFTEST_SRCS := $(wildcard tests/kselftest/*.c)
KSELFTESTS := $(KSELFTEST_SRCS:tests/kselftest/%.c=$(BUILD)/tests/kselftest/%)
UNIT_SRCS := $(wildcard tests/unit/*.c)
UNITS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/unit/%)
# Unit tests link crsctl's objects, all but its main().
CRSCTL_LIB_OBJS := $(filter-out $(BUILD)/obj/crsctl.o,$(CRSCTL_OBJS))

# Small programs the shell tests run in the guest (/crs/bin).
HELPER_SRCS := $(wildcard tests/helpers/*.c)
HELPERS := $(HELPER_SRCS:tests/helpers/%.c=$(BUILD)/tests/helpers/%)

tests: $(KSELFTESTS) $(UNITS) $(HELPERS)

$(BUILD)/tests/helpers/%: tests/helpers/%.c $(wildcard tests/helpers/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -std=gnu11 -Wall -Wextra -Werror -o $@ $<

# kselftests speak to the module through crsctl's own netlink layer.
$(BUILD)/tests/kselftest/%: tests/kselftest/%.c $(wildcard tests/kselftest/*.h) $(CRSCTL_LIB_OBJS) $(KSFT_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(CRS_CFLAGS) -Wno-sign-compare -Wno-unused-parameter -Iuserspace \
		-I$(KSFT)/tools/testing/selftests \
		-o $@ $< $(CRSCTL_LIB_OBJS) $(CRS_LIBS) -lpthread

$(BUILD)/tests/unit/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(CRSCTL_LIB_OBJS) $(KSFT_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(CRS_CFLAGS) -Wno-sign-compare -Wno-unused-parameter -Iuserspace \
		-I$(KSFT)/tools/testing/selftests \
		-o $@ $< $(CRSCTL_LIB_OBJS) $(CRS_LIBS)

deps:
	@tests/deps.sh

# Each step is its own make so that deps are installed before anything
# reads pkg-config or the list of kernels.
check:
	@tests/deps.sh
	@$(MAKE) --no-print-directory crsctl tests modules
	@for k in $$(tests/lib/kvers.sh); do tests/lib/mkpayload.sh $$k $(BUILD)/payload-$$k || exit 1; done
	@BUILD=$(BUILD) DKMS_FILES="$(DKMS_FILES)" tests/check.sh

demo:
	@tests/deps.sh
	@$(MAKE) --no-print-directory crsctl modules
	@k=$$(tests/lib/kvers.sh | tail -n 1); \
	tests/lib/mkpayload.sh $$k $(BUILD)/payload-demo && \
	tests/vm/run-vm.sh --kver $$k --payload $(BUILD)/payload-demo --script /crs/guest/demo.sh --timeout 300

bench:
	@tests/deps.sh
	@$(MAKE) --no-print-directory crsctl tests modules
	@tests/bench/run.sh

style: $(KSFT_STAMP)
	$(KSFT)/scripts/checkpatch.pl --strict --no-tree --terse --show-types \
		--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG \
		-f kmod/*.c kmod/*.h include/uapi/linux/crs.h
	@for k in $(KVERS); do \
		rm -rf $(BUILD)/sparse-$$k && mkdir -p $(BUILD)/sparse-$$k && \
		cp -r Kbuild VERSION kmod include $(BUILD)/sparse-$$k/ && \
		$(MAKE) -s -C /usr/src/linux-headers-$$k M=$(CURDIR)/$(BUILD)/sparse-$$k C=2 \
			CHECK="sparse -Wno-decl" modules 2>&1 | tee $(BUILD)/sparse-$$k.log | \
			grep -E 'warning|error' | grep -v 'Skipping BTF' && exit 1; \
	done; echo "style: no findings"

install: crsctl
	install -D -m 0755 $(BUILD)/crsctl $(DESTDIR)/usr/sbin/crsctl

# Registers the source with DKMS, which builds and installs the module for
# every installed kernel and each one installed later.
install-dkms:
	rm -rf /usr/src/crs-$(VERSION) && mkdir -p /usr/src/crs-$(VERSION)
	cp -r $(DKMS_FILES) /usr/src/crs-$(VERSION)/
	dkms add -m crs -v $(VERSION) && dkms install -m crs -v $(VERSION)

clean:
	rm -rf $(BUILD)
	rm -f *.o *.ko *.mod *.mod.c *.order *.symvers .*.cmd kmod/*.o kmod/.*.cmd
