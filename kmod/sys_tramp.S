/* SPDX-License-Identifier: GPL-2.0 */
/* The trampolines of the sys hooks (sys.c). */
#include "tramp.inc"
