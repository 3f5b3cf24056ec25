/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MLM_MERGEML_H
#define MLM_MERGEML_H

/*
 * mergeml - import an fml4 or fml8 list directory into an mlm list
 *
 * mergeml_main() is "makefml mergeml [--dry-run] ML DIR": DIR is an
 * fml4 list (it holds config.ph) or an fml8 list (config.cf and no
 * config.ph). The mlm list ML is created as newml does when it does not
 * exist; its members, recipients, admins and moderators are added in
 * one store transaction, the translated settings are added to its
 * config.cf (each after a comment naming its origin), seq is carried
 * over (never lowered), spool/N are copied byte for byte under the same
 * numbers, summary and log are kept. DIR is only read. A second run
 * adds nothing new. The report goes to stdout and to
 * ml_home_dir/mergeml.report. --dry-run reads DIR and prints the report
 * without creating or changing anything.
 *
 * mergeml_all_main() is "makefml mergeml-all [--dry-run] DIR": every
 * list directory under an fml4 (or fml8) $ML_DIR, each in a process of
 * its own, then a summary table.
 *
 * Both take makefml's verb arguments and return 0 or a sysexits status,
 * having printed the error; why holds the reason.
 *
 * makefml_newml_create() (in makefml.c) creates a list as newml does,
 * printing what newml prints; as root the process runs as the list
 * owner afterwards.
 */

#include "buf.h"
#include "site.h"

int	 mergeml_main(struct site *, int, char **, struct buf *);
int	 mergeml_all_main(struct site *, int, char **, struct buf *);
int	 makefml_newml_create(struct site *, const char *, struct buf *);

#endif
