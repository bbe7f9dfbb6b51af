# SPDX-License-Identifier: LGPL-2.1-or-later
# The two entry points of the README. Both install what is missing first (scripts/bootstrap).
BUILD ?= build
VFIOKIT = $(BUILD)/src/cli/vfiokit

.PHONY: all build run test clean

all: build

$(BUILD)/build.ninja:
	meson setup $(BUILD)

build:
	scripts/bootstrap build
	$(MAKE) --no-print-directory $(BUILD)/build.ninja
	ninja -C $(BUILD)

# Installs what is missing, builds, and diagnoses this host.
run: build
	@# exit 3 means "not ready": a diagnosis, not a failure of the command
	$(VFIOKIT) groups || test $$? -eq 3

# The same set-up, plus the test dependencies, then the whole test suite.
test:
	scripts/bootstrap test
	$(MAKE) --no-print-directory $(BUILD)/build.ninja
	ninja -C $(BUILD)
	meson test -C $(BUILD) --print-errorlogs

clean:
	rm -rf $(BUILD)
