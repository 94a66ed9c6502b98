/* cmd.h: the news-ingest commands; each takes its own argv (argv[0] = command name), returns the
 * process exit status. */
#ifndef NI_CMD_H
#define NI_CMD_H

int cmd_parse(int argc, char **argv);

#endif
