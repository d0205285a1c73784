/*
 * libiop — the iop command-line tool
 * SPDX-License-Identifier: MIT
 */
#ifndef IOP_CLI_H
#define IOP_CLI_H

#include <glib.h>
#include <libiop/iop.h>
#include <libiop/iop-glib.h>

/* Exit statuses shared by every command. */
enum {
  IOP_EXIT_OK = 0,
  IOP_EXIT_FAILURE = 1, /* the request was understood but failed: unknown level, invalid pack, ... */
  IOP_EXIT_USAGE = 2    /* bad command line */
};

typedef struct {
  const char *name;
  const char *summary;
  int (*run) (int argc, char **argv);
} IopCommand;

/* Parses @argv with @entries; handles --help, reports usage errors. Returns FALSE (and sets
 * *status) when the command must stop. @params describes the positional arguments. */
gboolean iop_cli_parse (const char *command, const char *params, const char *description,
                        const GOptionEntry *entries, int *argc, char ***argv, int *status);

/* Reports a usage error ("iop COMMAND: message; see iop COMMAND --help") and returns IOP_EXIT_USAGE. */
int iop_cli_usage_error (const char *command, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* Reports a libiop error (with its JSON path when it has one), frees it, returns IOP_EXIT_FAILURE. */
int iop_cli_fail (const char *command, iop_error *error);

/* Reports a failure message and returns IOP_EXIT_FAILURE. */
int iop_cli_failf (const char *command, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* Reads an input file; on failure reports it for @command, sets *status and returns NULL. */
char *iop_cli_read_file (const char *command, const char *path, int *status);

/* Loads the continuum from @pack_path, or the built-in pack when NULL. */
iop_continuum *iop_cli_load_continuum (const char *pack_path, iop_error **error);

/* Prints a compliance report as text, or as JSON with @json; returns 0 when compliant, else 1. */
void iop_cli_print_report (const iop_compliance_report *report);
int iop_cli_emit_report (const iop_compliance_report *report, gboolean json);

/* Commands. */
int iop_cmd_levels (int argc, char **argv);
int iop_cmd_level (int argc, char **argv);
int iop_cmd_crosswalk (int argc, char **argv);
int iop_cmd_compare (int argc, char **argv);
int iop_cmd_pack (int argc, char **argv);
int iop_cmd_instruments (int argc, char **argv);
int iop_cmd_score (int argc, char **argv);
int iop_cmd_series (int argc, char **argv);
int iop_cmd_place (int argc, char **argv);
int iop_cmd_intensity (int argc, char **argv);
int iop_cmd_claims (int argc, char **argv);
int iop_cmd_check (int argc, char **argv);
int iop_cmd_attendance (int argc, char **argv);
int iop_cmd_plan (int argc, char **argv);
int iop_cmd_escalate (int argc, char **argv);
int iop_cmd_readiness (int argc, char **argv);
int iop_cmd_export (int argc, char **argv);
int iop_cmd_consent (int argc, char **argv);
int iop_cmd_preauth (int argc, char **argv);

#endif /* IOP_CLI_H */
