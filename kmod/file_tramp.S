/* SPDX-License-Identifier: GPL-2.0 */
/* The trampolines of the file hooks (file.c). */
#include "tramp.inc"

CRS_TRAMP crs_tramp_file_open, crs_hk_file_open
CRS_TRAMP crs_tramp_file_permission, crs_hk_file_permission
CRS_TRAMP crs_tramp_file_truncate, crs_hk_file_truncate
CRS_TRAMP crs_tramp_path_truncate, crs_hk_path_truncate
CRS_TRAMP crs_tramp_path_mknod, crs_hk_path_mknod
CRS_TRAMP crs_tramp_path_mkdir, crs_hk_path_mkdir
CRS_TRAMP crs_tramp_path_rmdir, crs_hk_path_rmdir
CRS_TRAMP crs_tramp_path_unlink, crs_hk_path_unlink
CRS_TRAMP crs_tramp_path_symlink, crs_hk_path_symlink
CRS_TRAMP crs_tramp_path_link, crs_hk_path_link
CRS_TRAMP crs_tramp_path_rename, crs_hk_path_rename
CRS_TRAMP crs_tramp_path_chmod, crs_hk_path_chmod
CRS_TRAMP crs_tramp_path_chown, crs_hk_path_chown
CRS_TRAMP crs_tramp_mmap_file, crs_hk_mmap_file
CRS_TRAMP crs_tramp_file_mprotect, crs_hk_file_mprotect
