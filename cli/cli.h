/*
 * cli/cli.h - what every subcommand shares, in one include: messages and
 * exit codes (cli_msg.h), option parsers (cli_opt.h), CSV fields
 * (cli_csv.h) and loading a dump (cli_load.h). Those modules depend one
 * way: cli_msg at the bottom, cli_opt on it, cli_load on both; the
 * output modules (cli_json, cli_node, ...) include only what they use.
 */
#ifndef HS_CLI_H
#define HS_CLI_H

#include <heapscope.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli_csv.h"
#include "cli_load.h"
#include "cli_msg.h"
#include "cli_opt.h"
#include "commands.h"

#endif
