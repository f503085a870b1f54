/* SPDX-License-Identifier: GPL-2.0 */
/* The trampolines of the sys hooks (sys.c). */
#include "tramp.inc"

CRS_TRAMP crs_tramp_sys, crs_hk_sys
CRS_TRAMP crs_tramp_bprm_creds_for_exec, crs_hk_bprm_creds_for_exec
