/* SPDX-License-Identifier: GPL-2.0 */
/* The trampolines of the net hooks (net.c). */
#include "tramp.inc"
